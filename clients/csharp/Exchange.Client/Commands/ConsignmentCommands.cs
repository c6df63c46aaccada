using Exchange.Client.Cli;
using Exchange.Contracts.Declaration.V1;
using Google.Protobuf.WellKnownTypes;
using Spectre.Console;

namespace Exchange.Client.Commands;

/// <summary><c>consignment-create &lt;file.json&gt; --id ID</c>: files a master consignment as carrier (CreateConsignment, beta).</summary>
public sealed class ConsignmentCreateCommand : ICommand
{
    public async Task<int> ExecuteAsync(CommandContext context, ParsedArguments arguments, CancellationToken cancellationToken)
    {
        var id = arguments.Value("--id") is { } given && CommandContext.IdPattern().IsMatch(given)
            ? given
            : throw new UsageException("--id is required: lower-case letters, digits and hyphens, at most 63, e.g. mawb-176-12345675.");
        var consignment = DeclarationFiles.ReadFile<Consignment>(arguments.Positionals[0], "consignment");
        var response = await context.Consignments.CreateConsignmentAsync(
            new CreateConsignmentRequest { Parent = context.Parent, ConsignmentId = id, Consignment = consignment },
            context.CallOptions(cancellationToken));
        ConsignmentDisplay.Summary(context.Console, "Filed", response.Consignment);
        return ExitCodes.Success;
    }
}

/// <summary><c>consignment-houses &lt;id&gt;</c>: the houses linked to a consignment, as the carrier may see them.</summary>
public sealed class ConsignmentHousesCommand : ICommand
{
    public async Task<int> ExecuteAsync(CommandContext context, ParsedArguments arguments, CancellationToken cancellationToken)
    {
        var request = new ListConsignmentHousesRequest { Parent = context.ConsignmentName(arguments.Positionals[0]) };
        var table = ConsignmentDisplay.HouseTable();
        do
        {
            var page = await context.Consignments.ListConsignmentHousesAsync(request, context.CallOptions(cancellationToken));
            foreach (var house in page.Houses)
            {
                ConsignmentDisplay.AddHouse(table, house);
            }
            request.PageToken = page.NextPageToken;
        }
        while (request.PageToken.Length > 0);

        if (table.Rows.Count == 0)
        {
            context.Console.MarkupLine("[yellow]No house is linked to this consignment yet.[/]");
            return ExitCodes.Success;
        }
        context.Console.Write(table);
        return ExitCodes.Success;
    }
}

/// <summary><c>consignment-arrive &lt;id&gt;</c>: notifies the consignment's arrival, which is every house's (NotifyConsignmentArrival).</summary>
public sealed class ConsignmentArriveCommand : ICommand
{
    public async Task<int> ExecuteAsync(CommandContext context, ParsedArguments arguments, CancellationToken cancellationToken)
    {
        var response = await context.Consignments.NotifyConsignmentArrivalAsync(
            new NotifyConsignmentArrivalRequest
            {
                Name = context.ConsignmentName(arguments.Positionals[0]),
                ArriveTime = Timestamp.FromDateTimeOffset(arguments.Time("--time") ?? DateTimeOffset.UtcNow),
                ArrivalOffice = arguments.Value("--office") ?? "",
            },
            context.CallOptions(cancellationToken));
        ConsignmentDisplay.Summary(context.Console, "Arrived", response.Consignment);
        context.Console.MarkupLine($"Houses arrived: {response.HousesArrived}   released: {response.HousesReleased}   "
            + $"to present for control: {response.ItemsToPresent.Count + response.ItemsNotListed}");
        if (response.ItemsToPresent.Count > 0)
        {
            var table = ConsignmentDisplay.HouseTable().AddColumn("Present because");
            foreach (var item in response.ItemsToPresent)
            {
                ConsignmentDisplay.AddHouse(table, item.House, Display.Label(item.Reason));
            }
            context.Console.Write(table);
        }
        return ExitCodes.Success;
    }
}

/// <summary>
/// <c>consignment-present &lt;id&gt; &lt;house-ref&gt;...</c>: presents houses of the arrived
/// consignment to customs for control (NotifyConsignmentPresentation, beta; ICS2 IE3N08).
/// </summary>
public sealed class ConsignmentPresentCommand : ICommand
{
    public async Task<int> ExecuteAsync(CommandContext context, ParsedArguments arguments, CancellationToken cancellationToken)
    {
        var name = context.ConsignmentName(arguments.Positionals[0]);
        var response = await context.Consignments.NotifyConsignmentPresentationAsync(
            new NotifyConsignmentPresentationRequest { Name = name, HouseReferences = { arguments.Positionals.Skip(1) } },
            context.CallOptions(cancellationToken));
        context.Console.MarkupLine($"[green]Presented for control[/] {response.Houses.Count} house(s) of {Markup.Escape(name)}");
        var table = ConsignmentDisplay.HouseTable();
        foreach (var house in response.Houses)
        {
            ConsignmentDisplay.AddHouse(table, house);
        }
        context.Console.Write(table);
        return ExitCodes.Success;
    }
}

/// <summary>
/// <c>consignment-watch</c>: prints the notices for your consignments' houses live until Ctrl+C
/// (WatchConsignmentEvents, beta): referral opened, amended, invalidated, control required,
/// released, not released. Reconnects and resumes like <c>watch</c> (<see cref="ResumableWatch"/>).
/// </summary>
public sealed class ConsignmentWatchCommand(TimeSpan? initialBackoff = null, TimeSpan? maxBackoff = null) : ICommand
{
    /// <summary>The column headings, aligned with <see cref="Format"/>.</summary>
    public static readonly string Header = Columns("CURSOR", "TIME", "TYPE", "HOUSE", "STATUS", "CLEARANCE", "CONSIGNMENT", "REFERRAL");

    private readonly ResumableWatch watch = new(initialBackoff ?? TimeSpan.FromMilliseconds(500), maxBackoff ?? TimeSpan.FromSeconds(30));

    public Task<int> ExecuteAsync(CommandContext context, ParsedArguments arguments, CancellationToken cancellationToken)
    {
        var start = ResumableWatch.StartFrom(arguments);
        var request = new WatchConsignmentEventsRequest
        {
            Parent = context.Parent,
            IncludeHistory = start.IncludeHistory,
            Consignment = arguments.Value("--consignment") is { } consignment ? context.ConsignmentName(consignment) : "",
        };
        return watch.RunAsync(
            context,
            "the notices for your consignments",
            Header,
            start,
            cursor =>
            {
                request.StartAfterCursor = cursor;
                return context.Consignments.WatchConsignmentEvents(request, context.CallOptions(cancellationToken));
            },
            response => new ResumableWatch.Line(Format(response.Event), response.Event.Cursor),
            cancellationToken);
    }

    /// <summary>One notice as one line, in the columns of <see cref="Header"/>.</summary>
    public static string Format(ConsignmentEvent e) => Columns(
        e.Cursor,
        Display.Time(e.EventTime),
        Display.Label(e.Type),
        ConsignmentDisplay.Reference(e.House ?? new ConsignmentHouse()),
        Display.Label(e.House?.Status ?? DeclarationStatus.Unspecified),
        Display.Label(e.House?.ClearanceState ?? ClearanceState.Unspecified),
        e.Consignment[(e.Consignment.LastIndexOf('/') + 1)..],
        e.ReferralType == ReferralType.Unspecified ? "-" : Display.Label(e.ReferralType));

    // Fixed widths first, free text last; a longer value pushes the rest along rather than being cut.
    private static string Columns(string cursor, string time, string type, string house, string status, string clearance, string consignment, string referral) =>
        string.Join("  ",
            cursor.PadRight(6), time.PadRight(20), type.PadRight(22), house.PadRight(14), status.PadRight(12),
            clearance.PadRight(12), consignment.PadRight(24), referral).TrimEnd();
}

/// <summary>How consignments and their houses look on screen.</summary>
internal static class ConsignmentDisplay
{
    public static void Summary(IAnsiConsole console, string heading, Consignment consignment)
    {
        console.MarkupLine($"[green]{Markup.Escape(heading)}[/] {Markup.Escape(consignment.Name)}");
        var grid = new Grid().AddColumn(new GridColumn().Padding(2, 0, 2, 0).NoWrap()).AddColumn();
        grid.AddRow(Display.Cells("Master document", consignment.MasterTransportDocument));
        grid.AddRow(Display.Cells("State", Display.Label(consignment.State)));
        grid.AddRow(Display.Cells("Revision", consignment.Revision.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        grid.AddRow(Display.Cells("Etag", consignment.Etag));
        if (consignment.ArriveTime is not null)
        {
            grid.AddRow(Display.Cells("Arrived", Display.Time(consignment.ArriveTime)));
        }
        console.Write(grid);
    }

    public static Table HouseTable() => new Table()
        .AddColumn("House waybill").AddColumn("S10").AddColumn("Status").AddColumn("Security").AddColumn("Clearance").AddColumn("Referral");

    public static void AddHouse(Table table, ConsignmentHouse house, params string[] more) =>
        table.AddRow(Display.Cells([
            Dash(house.HouseTransportDocument), Dash(house.ItemIdentifier), Display.Label(house.Status),
            Display.Label(house.SecurityAssessmentState), Display.Label(house.ClearanceState), house.ReferralOpen ? "open" : "-",
            .. more,
        ]));

    /// <summary>How the carrier names a house: its house waybill, or its S10 item identifier for a postal item.</summary>
    public static string Reference(ConsignmentHouse house) =>
        Dash(house.HouseTransportDocument.Length > 0 ? house.HouseTransportDocument : house.ItemIdentifier);

    private static string Dash(string value) => value.Length == 0 ? "-" : value;
}
