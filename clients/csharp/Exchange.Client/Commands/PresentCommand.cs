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
    public async Task<int> ExecuteAsync(CommandContext context, ParsedArguments arguments, CancellationToken cancellationToken)
    {
        var response = await context.Client.NotifyPresentationAsync(
            new NotifyPresentationRequest { Name = context.DeclarationName(arguments.Positionals[0]) },
            context.CallOptions(cancellationToken));
        Display.Summary(context.Console, Display.Heading("Presented for control", response.Declaration.Status), response.Declaration);
        return ExitCodes.Success;
    }
}
