using Exchange.Client.Cli;
using Exchange.Contracts.Declaration.V1;

namespace Exchange.Client.Commands;

/// <summary><c>amend &lt;name-or-id&gt; &lt;file.json&gt;</c>: replaces a declaration's content (AmendDeclaration).</summary>
public sealed class AmendCommand : ICommand
{
    public async Task<int> ExecuteAsync(CommandContext context, ParsedArguments arguments, CancellationToken cancellationToken)
    {
        var name = context.DeclarationName(arguments.Positionals[0]);
        var file = arguments.Positionals[1];
        var declaration = DeclarationFiles.ReadFile(file);
        // A file saved from 'get' carries its name; amending it under another name is a mistake.
        if (declaration.Name.Length > 0 && declaration.Name != name)
        {
            throw new InputFileException($"{file}: holds declaration {declaration.Name}, not {name}.");
        }
        declaration.Name = name;

        var current = await context.Client.GetDeclarationAsync(
            new GetDeclarationRequest { Name = name }, context.CallOptions(cancellationToken));
        var response = await context.Client.AmendDeclarationAsync(
            new AmendDeclarationRequest
            {
                Declaration = declaration,
                Etag = current.Declaration.Etag,
                RequestId = Guid.NewGuid().ToString(),
            },
            context.CallOptions(cancellationToken));
        Display.Summary(context.Console, Display.Heading("Amended", response.Declaration.Status), response.Declaration);
        return ExitCodes.Success;
    }
}
