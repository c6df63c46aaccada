using Exchange.Client.Cli;
using Exchange.Contracts.Declaration.V1;
using Google.Protobuf.WellKnownTypes;
using Spectre.Console;

namespace Exchange.Client.Commands;

/// <summary><c>consignment-create &lt;file.json&gt; --id ID</c>: files a master consignment as carrier (CreateConsignment, beta).</summary>
public sealed class ConsignmentCreateCommand : ICommand
{
    public CommandSpec Spec { get; } = new(
        "consignment-create",
        "File a master consignment as its carrier (multiple filing: others file the houses).",
        ["<file.json>"],
        [new("--id", "ID", "Required: your id for it, lower-case letters, digits and hyphens, e.g. mawb-176-12345675.")],
        "The file is a Consignment in proto3 JSON (see samples/consignment-air-master.json). Filing it again "
        + "with the same id and content answers alike. Houses name it by its masterTransportDocument.");

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
    public CommandSpec Spec { get; } = new(
        "consignment-houses",
        "List the houses other parties filed under your consignment, with where each stands.",
        ["<name-or-id>"],
        [],
        "Shows each house's waybill or S10 identifier and status, never its parties or goods.");

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
    public CommandSpec Spec { get; } = new(
        "consignment-arrive",
        "Notify the arrival of your consignment: its houses arrive, assessed ones are released.",
        ["<name-or-id>"],
        [
            new("--time", "ISO8601", "When it arrived (UTC unless an offset is given); default now."),
            new("--office", "CODE", "The customs office of arrival, e.g. NL000396."),
        ],
        "Prints the houses to present for control (ICS2 IE3N08 control notification).");

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

    private static string Dash(string value) => value.Length == 0 ? "-" : value;
}
