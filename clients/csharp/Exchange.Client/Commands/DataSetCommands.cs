using Exchange.Client.Cli;
using Exchange.Contracts.Declaration.V1;
using Spectre.Console;

namespace Exchange.Client.Commands;

/// <summary><c>profiles</c>: lists the node's data-set profiles (DataSetService, beta).</summary>
public sealed class ProfilesCommand : ICommand
{
    public async Task<int> ExecuteAsync(CommandContext context, ParsedArguments arguments, CancellationToken cancellationToken)
    {
        var table = new Table().AddColumn("Profile").AddColumn("Version").AddColumn("Standard").AddColumn("Channels").AddColumn("Elements").AddColumn("Title");
        var request = new ListDataSetProfilesRequest { PageSize = 100 };
        do
        {
            var page = await context.DataSets.ListDataSetProfilesAsync(request, context.CallOptions(cancellationToken));
            foreach (var profile in page.Profiles)
            {
                table.AddRow(Display.Cells(profile.Id, profile.Version, profile.Standard, string.Join(", ", profile.Channels.Select(Display.Label)),
                    $"{profile.Elements.Count} ({profile.Elements.Count(e => e.Required)} required)", profile.Title));
            }
            request.PageToken = page.NextPageToken;
        }
        while (request.PageToken.Length > 0);
        context.Console.Write(table);
        return ExitCodes.Success;
    }
}

/// <summary><c>dataset &lt;profile&gt; &lt;name-or-id&gt;</c>: prints a filed declaration as one profile's data set.</summary>
public sealed class DataSetCommand : ICommand
{
    public async Task<int> ExecuteAsync(CommandContext context, ParsedArguments arguments, CancellationToken cancellationToken)
    {
        var response = await context.DataSets.GetDeclarationDataSetAsync(
            new GetDeclarationDataSetRequest { Profile = arguments.Positionals[0], Name = context.DeclarationName(arguments.Positionals[1]) },
            context.CallOptions(cancellationToken));
        DataSetDisplay.Write(context.Console, response.DataSet);
        return ExitCodes.Success;
    }
}

/// <summary>
/// <c>check-data &lt;file.json&gt; [--profile ID]</c>: checks a declaration before filing it, against the
/// contract's rules and the data sets of its profiles; nothing is stored. Exit code 0 when it is
/// complete, 2 when it is not.
/// </summary>
public sealed class CheckDataCommand : ICommand
{
    public async Task<int> ExecuteAsync(CommandContext context, ParsedArguments arguments, CancellationToken cancellationToken)
    {
        var request = new CheckDeclarationDataRequest { Parent = context.Parent, Declaration = DeclarationFiles.ReadFile(arguments.Positionals[0]) };
        if (arguments.Value("--profile") is { Length: > 0 } profiles)
        {
            request.Profiles.Add(profiles.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        }
        var response = await context.DataSets.CheckDeclarationDataAsync(request, context.CallOptions(cancellationToken));
        foreach (var dataSet in response.DataSets)
        {
            DataSetDisplay.Write(context.Console, dataSet);
        }
        if (response.Complete)
        {
            context.Console.WriteLine($"Complete: no rule broken, every profile satisfied ({string.Join(", ", response.DataSets.Select(d => d.Profile))}).");
            return ExitCodes.Success;
        }
        context.Console.WriteLine($"Not complete: {response.Violations.Count} problem{(response.Violations.Count == 1 ? "" : "s")} to fix before filing:");
        foreach (var violation in response.Violations)
        {
            context.Console.Write(new Text($"  {violation.Field}: {violation.Description}\n"));
        }
        return ExitCodes.Rejected;
    }
}

/// <summary>How a data set is shown: its profile and completeness, then one row per element.</summary>
internal static class DataSetDisplay
{
    public static void Write(IAnsiConsole console, DeclarationDataSet dataSet)
    {
        console.Write(new Text($"{dataSet.Profile} {dataSet.ProfileVersion}: {(dataSet.Complete ? "complete" : "not complete")}\n"));
        var table = new Table().AddColumn("Element").AddColumn("Name").AddColumn("Field").AddColumn("Value").AddColumn("Problem");
        foreach (var value in dataSet.Values)
        {
            table.AddRow(Display.Cells(Dash(value.ElementId), value.ElementName, value.FieldPath, Dash(value.Value), Dash(value.Problem)));
        }
        console.Write(table);
    }

    private static string Dash(string text) => text.Length == 0 ? "-" : text;
}
