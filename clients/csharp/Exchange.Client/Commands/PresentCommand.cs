using Exchange.Client.Cli;
using Exchange.Contracts.Declaration.V1;

namespace Exchange.Client.Commands;

/// <summary>
/// <c>present &lt;name-or-id&gt;</c>: notifies that the arrived goods of a declaration are presented
/// to customs for control (NotifyPresentation, beta). Goods held after arrival are released only
/// once presented, by the officer's control result or decision.
/// </summary>
public sealed class PresentCommand : ICommand
{
    public CommandSpec Spec { get; } = new(
        "present",
        "Present a declaration's arrived goods to customs for control (single filing).",
        ["<name-or-id>"],
        [],
        "For goods that arrived and were not released (held, or still being analysed): release then waits for "
        + "the officer's control result or decision. Presenting goods already presented shows them as they are. "
        + "The houses of a consignment are presented by its carrier (consignment-present).");

    public async Task<int> ExecuteAsync(CommandContext context, ParsedArguments arguments, CancellationToken cancellationToken)
    {
        var response = await context.Client.NotifyPresentationAsync(
            new NotifyPresentationRequest { Name = context.DeclarationName(arguments.Positionals[0]) },
            context.CallOptions(cancellationToken));
        Display.Summary(context.Console, "Presented for control", response.Declaration);
        return ExitCodes.Success;
    }
}
