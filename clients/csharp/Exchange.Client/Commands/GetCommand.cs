using Exchange.Client.Cli;
using Exchange.Contracts.Declaration.V1;

namespace Exchange.Client.Commands;

/// <summary><c>get &lt;name-or-id&gt; [--summary]</c>: prints one declaration as proto3 JSON, or where it stands (with its disposition).</summary>
public sealed class GetCommand : ICommand
{
    public async Task<int> ExecuteAsync(CommandContext context, ParsedArguments arguments, CancellationToken cancellationToken)
    {
        var name = context.DeclarationName(arguments.Positionals[0]);
        var response = await context.Client.GetDeclarationAsync(
            new GetDeclarationRequest { Name = name }, context.CallOptions(cancellationToken));

        if (arguments.Flag("--summary"))
        {
            Display.Summary(context.Console, Display.StatusWording(response.Declaration.Status), response.Declaration);
            return ExitCodes.Success;
        }

        // Written raw, not through Spectre's renderer: that one wraps long lines at the console
        // width, which would break the JSON when it is piped into a file or another tool.
        var output = context.Console.Profile.Out.Writer;
        await output.WriteLineAsync(Display.Json.Format(response.Declaration));
        await output.FlushAsync(cancellationToken);
        return ExitCodes.Success;
    }
}
