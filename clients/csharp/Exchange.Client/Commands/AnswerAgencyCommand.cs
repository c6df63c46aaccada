using Exchange.Client.Cli;
using Exchange.Contracts.Declaration.V1;

namespace Exchange.Client.Commands;

/// <summary>
/// <c>answer-agency &lt;name-or-id&gt; --request N --text TEXT [--document TYPE:ID[:URI]]</c>:
/// answers a partner government agency's request for information on a declaration
/// (RespondToAgencyRequest, beta). A request answered already is refused (AGENCY_REQUEST_NOT_OPEN).
/// </summary>
public sealed class AnswerAgencyCommand : ICommand
{
    public async Task<int> ExecuteAsync(CommandContext context, ParsedArguments arguments, CancellationToken cancellationToken)
    {
        var declaration = context.DeclarationName(arguments.Positionals[0]);
        var request = arguments.Value("--request");
        if (string.IsNullOrWhiteSpace(request))
        {
            throw new UsageException("--request is required: the agency request's number on the declaration (see 'get'), e.g. 1.");
        }
        var text = arguments.Value("--text");
        if (string.IsNullOrWhiteSpace(text))
        {
            throw new UsageException("--text is required: the answer, 1 to 2000 characters.");
        }
        var answer = new AdditionalInformation { Text = text };
        if (arguments.Value("--document") is { Length: > 0 } document)
        {
            // TYPE:ID or TYPE:ID:URI; the URI itself contains ':' and is kept whole.
            var parts = document.Split(':', 3);
            if (parts.Length < 2)
            {
                throw new UsageException($"--document must be TYPE:ID or TYPE:ID:URI, e.g. N935:INV-1; got '{document}'.");
            }
            answer.Documents.Add(new DocumentReference { TypeCode = parts[0], Identifier = parts[1], Uri = parts.Length == 3 ? parts[2] : "" });
        }
        var name = request.Contains('/', StringComparison.Ordinal) ? request : $"{declaration}/agencyRequests/{request}";
        var response = await context.Client.RespondToAgencyRequestAsync(
            new RespondToAgencyRequestRequest
            {
                Name = name,
                Response = answer,
                RequestId = Guid.NewGuid().ToString(),
            },
            context.CallOptions(cancellationToken));
        Display.Summary(context.Console, Display.Heading("Answered the agency", response.Declaration.Status), response.Declaration);
        return ExitCodes.Success;
    }
}
