using Exchange.Client.Cli;
using Exchange.Contracts.Declaration.V1;
using Google.Protobuf.WellKnownTypes;
using Spectre.Console;

namespace Exchange.Client.Commands;

/// <summary><c>list</c>: the filer's declarations, newest first, filtered (ListDeclarations).</summary>
public sealed class ListCommand : ICommand
{
    public async Task<int> ExecuteAsync(CommandContext context, ParsedArguments arguments, CancellationToken cancellationToken)
    {
        var request = new ListDeclarationsRequest
        {
            Parent = context.Parent,
            PageSize = arguments.Int("--page-size", 1, 1000) ?? 0,
            PageToken = arguments.Value("--page-token") ?? "",
            Reference = arguments.Value("--reference") ?? "",
            CreateTimeStart = arguments.Time("--since") is { } since ? Timestamp.FromDateTimeOffset(since) : null,
            CreateTimeEnd = arguments.Time("--until") is { } until ? Timestamp.FromDateTimeOffset(until) : null,
        };
        if (arguments.Value("--status") is { } status)
        {
            request.Status = Display.TryParseLabel<DeclarationStatus>(status, out var parsed) && parsed != DeclarationStatus.Unspecified
                ? parsed
                : throw new UsageException($"--status must be one of ACCEPTED, UNDER_REVIEW, ASSESSED, RELEASED, HELD, REJECTED, CANCELLED, SEIZED, RETURNED_TO_SENDER, not '{status}'.");
        }

        var table = new Table().AddColumn("Name").AddColumn("LRN").AddColumn("Status").AddColumn("Created");
        var followAll = arguments.Flag("--all");
        while (true)
        {
            var page = await context.Client.ListDeclarationsAsync(request, context.CallOptions(cancellationToken));
            foreach (var declaration in page.Declarations)
            {
                table.AddRow(Display.Cells(declaration.Name, declaration.LocalReferenceNumber,
                    Display.Label(declaration.Status), Display.Time(declaration.CreateTime)));
            }
            request.PageToken = page.NextPageToken;
            if (!followAll || request.PageToken.Length == 0)
            {
                break;
            }
        }

        if (table.Rows.Count == 0)
        {
            context.Console.WriteLine("No declarations match.");
        }
        else
        {
            context.Console.Write(table);
        }
        if (request.PageToken.Length > 0)
        {
            context.Console.WriteLine($"More declarations match: add --all, or --page-token {request.PageToken}");
        }
        return ExitCodes.Success;
    }
}
