using Exchange.Client.Cli;
using Exchange.Contracts.Declaration.V1;

namespace Exchange.Client.Commands;

/// <summary><c>cancel &lt;name-or-id&gt; --reason TEXT</c>: invalidates a declaration (CancelDeclaration).</summary>
public sealed class CancelCommand : ICommand
{
    public async Task<int> ExecuteAsync(CommandContext context, ParsedArguments arguments, CancellationToken cancellationToken)
    {
        var name = context.DeclarationName(arguments.Positionals[0]);
        var reason = arguments.Value("--reason");
        if (string.IsNullOrWhiteSpace(reason))
        {
            throw new UsageException("--reason is required: say why the declaration is cancelled.");
        }

        var current = await context.Client.GetDeclarationAsync(
            new GetDeclarationRequest { Name = name }, context.CallOptions(cancellationToken));
        var response = await context.Client.CancelDeclarationAsync(
            new CancelDeclarationRequest
            {
                Name = name,
                Etag = current.Declaration.Etag,
                Reason = reason,
                RequestId = Guid.NewGuid().ToString(),
            },
            context.CallOptions(cancellationToken));
        Display.Summary(context.Console, Display.Heading("Cancelled", response.Declaration.Status), response.Declaration);
        return ExitCodes.Success;
    }
}
