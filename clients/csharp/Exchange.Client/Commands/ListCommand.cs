using Exchange.Client.Cli;
using Exchange.Contracts.Declaration.V1;
using Google.Protobuf.WellKnownTypes;
using Spectre.Console;

namespace Exchange.Client.Commands;

/// <summary><c>list</c>: the filer's declarations, newest first, filtered (ListDeclarations).</summary>
public sealed class ListCommand : ICommand
{
    public CommandSpec Spec { get; } = new(
        "list",
        "List your declarations, newest first.",
        [],
        [
            new("--status", "STATUS", "Only this status: ACCEPTED, UNDER_REVIEW, ASSESSED, RELEASED, HELD, REJECTED, CANCELLED, SEIZED or RETURNED_TO_SENDER."),
            new("--reference", "REF", "Only declarations with this LRN, UCR, S10 identifier, waybill or customs reference."),
            new("--since", "ISO8601", "Only declarations created at or after this time (UTC unless an offset is given)."),
            new("--until", "ISO8601", "Only declarations created before this time."),
            new("--page-size", "N", "Declarations per page, 1 to 1000 (server default 50)."),
            new("--page-token", "TOKEN", "Continue a previous listing with the same filters."),
            new("--all", null, "Follow next_page_token until the last page."),
        ]);

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
