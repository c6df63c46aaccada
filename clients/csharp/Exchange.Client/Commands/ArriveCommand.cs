using Exchange.Client.Cli;
using Exchange.Contracts.Declaration.V1;
using Google.Protobuf.WellKnownTypes;

namespace Exchange.Client.Commands;

/// <summary>
/// <c>arrive &lt;name-or-id&gt;</c>: notifies that the goods arrived (NotifyArrival, beta; ICS2
/// IE3N06). Goods whose assessment is complete are released at once.
/// </summary>
public sealed class ArriveCommand : ICommand
{
    public CommandSpec Spec { get; } = new(
        "arrive",
        "Notify the arrival of a declaration's goods (single filing: you are also the carrier).",
        ["<name-or-id>"],
        [
            new("--time", "ISO8601", "When the goods arrived (UTC unless an offset is given); default now."),
            new("--office", "CODE", "The customs office of arrival, e.g. NL000396."),
            new("--conveyance", "REF", "The conveyance they arrived on, e.g. a flight number."),
        ],
        "An ASSESSED declaration is released on arrival; otherwise release waits for what is pending. "
        + "After arrival the declaration can no longer be amended or cancelled.");

    public async Task<int> ExecuteAsync(CommandContext context, ParsedArguments arguments, CancellationToken cancellationToken)
    {
        var response = await context.Client.NotifyArrivalAsync(
            new NotifyArrivalRequest
            {
                Name = context.DeclarationName(arguments.Positionals[0]),
                ArriveTime = Timestamp.FromDateTimeOffset(arguments.Time("--time") ?? DateTimeOffset.UtcNow),
                ArrivalOffice = arguments.Value("--office") ?? "",
                ConveyanceReference = arguments.Value("--conveyance") ?? "",
                RequestId = Guid.NewGuid().ToString(),
            },
            context.CallOptions(cancellationToken));
        var declaration = response.Declaration;
        Display.Summary(context.Console, declaration.Status == DeclarationStatus.Released ? "Arrived and released" : "Arrived", declaration);
        return ExitCodes.Success;
    }
}
