using Exchange.Client.Cli;
using Exchange.Contracts.Declaration.V1;
using Grpc.Core;
using Spectre.Console;

namespace Exchange.Client.Commands;

/// <summary><c>submit &lt;file.json&gt;</c>: lodges one declaration (SubmitDeclaration).</summary>
public sealed class SubmitCommand : ICommand
{
    public async Task<int> ExecuteAsync(CommandContext context, ParsedArguments arguments, CancellationToken cancellationToken)
    {
        var requestId = arguments.Value("--request-id") ?? Guid.NewGuid().ToString();
        if (!Guid.TryParse(requestId, out _))
        {
            throw new UsageException($"--request-id must be a UUID, not '{requestId}'.");
        }
        var declaration = DeclarationFiles.ReadFile(arguments.Positionals[0]);

        try
        {
            var response = await context.Client.SubmitDeclarationAsync(
                new SubmitDeclarationRequest { Parent = context.Parent, Declaration = declaration, RequestId = requestId },
                context.CallOptions(cancellationToken));
            Display.Summary(context.Console, Display.Heading(null, response.Declaration.Status), response.Declaration, requestId);
            foreach (var warning in response.Warnings)
            {
                // Plain text: the description names the LRN the filer sent, never markup.
                context.Console.Write(new Spectre.Console.Text($"Warning ({warning.Code}): {warning.Description}\n"));
            }
            return ExitCodes.Success;
        }
        catch (RpcException ex) when (ExitCodes.ForStatus(ex.StatusCode) == ExitCodes.Failure && !CallFailure.ErrorDetailsUnreadable(ex))
        {
            // The declaration may or may not have been recorded: only a retry with the same
            // request id is safe, so say which one.
            context.Errors.MarkupLine($"[yellow]To retry safely, reuse the request id:[/] --request-id {Markup.Escape(requestId)}");
            throw;
        }
    }
}
