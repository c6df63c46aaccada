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
        Display.Summary(context.Console, Display.Heading("Arrived", declaration.Status), declaration);
        return ExitCodes.Success;
    }
}
