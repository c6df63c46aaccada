using Exchange.Contracts.Declaration.V1;
using Exchange.Core.Declarations;
using Exchange.Core.Errors;
using Exchange.Core.Identity;
using Exchange.Core.Validation;

namespace Exchange.Core.Enforcement;

/// <summary>
/// A filer's answer to a referral: the checks of the answer's fields (ICS2 IE3R02 / IE3R03) and
/// the rule of which answer fits which referral.
/// </summary>
public static class ReferralAnswers
{
    private const int MaxDocuments = 20;

    /// <summary>Reads `filers/{filer}/declarations/{declaration}/referrals/{referral}` of the calling filer.</summary>
    public static DeclarationKey? ReadName(CallerIdentity caller, string? name, List<FieldViolation> violations)
    {
        var parts = name?.Split('/');
        if (parts is not { Length: 6 } || parts[4] != "referrals" || !ResourceNames.IsValidId(parts[5])
            || !ResourceNames.TryParseDeclaration(string.Join('/', parts[..4]), out var key))
        {
            violations.Add(new FieldViolation("name",
                $"Must have the form 'filers/{{filer}}/declarations/{{declaration}}/referrals/{{referral}}'; got {Echo.Quote(name)}."));
            return null;
        }
        if (key.FilerId != caller.FilerId)
        {
            throw new FilerMismatchException("name");
        }
        return key;
    }

    /// <summary>Every field problem of the answer, with paths under <c>response</c>.</summary>
    public static void Check(ReferralResponse? response, DateTimeOffset now, List<FieldViolation> violations)
    {
        switch (response?.AnswerCase)
        {
            case ReferralResponse.AnswerOneofCase.AdditionalInformation:
                CheckInformation(response.AdditionalInformation, violations);
                break;
            case ReferralResponse.AnswerOneofCase.ScreeningResult:
                CheckScreening(response.ScreeningResult, now, violations);
                break;
            default:
                violations.Add(new FieldViolation("response", "Required: additional_information or screening_result."));
                break;
        }
    }

    /// <summary>Why the referral cannot take this answer, or null when it can.</summary>
    public static string? Mismatch(Referral referral, ReferralResponse response) => (referral.State, referral.Type) switch
    {
        (not ReferralState.Open, _) => $"it is {referral.State.ToString().ToUpperInvariant()}, not OPEN.",
        (_, ReferralType.DoNotLoad) => "a DO_NOT_LOAD cannot be answered; customs decides.",
        (_, ReferralType.RequestForInformation) when response.AnswerCase != ReferralResponse.AnswerOneofCase.AdditionalInformation =>
            "a REQUEST_FOR_INFORMATION is answered with additional_information.",
        (_, ReferralType.HrcmScreening) when response.AnswerCase != ReferralResponse.AnswerOneofCase.ScreeningResult =>
            "an HRCM_SCREENING is answered with a screening_result.",
        _ => null,
    };

    private static void CheckInformation(AdditionalInformation information, List<FieldViolation> violations)
    {
        const string path = "response.additional_information";
        RequestChecks.CheckText(information.Text, 1, 2000, path + ".text", violations);
        if (information.Documents.Count > MaxDocuments)
        {
            violations.Add(new FieldViolation(path + ".documents", $"At most {MaxDocuments} documents; got {information.Documents.Count}."));
        }
        for (var i = 0; i < information.Documents.Count; i++)
        {
            var at = $"{path}.documents[{i}]";
            foreach (var (field, problem) in DocumentReferences.Problems(information.Documents[i]))
            {
                violations.Add(new FieldViolation($"{at}.{field}", problem));
            }
        }
    }

    private static void CheckScreening(ScreeningResult result, DateTimeOffset now, List<FieldViolation> violations)
    {
        const string path = "response.screening_result";
        if (result.Method is not { Length: >= 1 and <= 3 } method || !method.All(char.IsAsciiLetterUpper))
        {
            violations.Add(new FieldViolation(path + ".method", $"Must be an ICS2 CL724 screening method, 1 to 3 capital letters, e.g. XRY; got {Echo.Quote(result.Method)}."));
        }
        if (result.ScreenTime is null)
        {
            violations.Add(new FieldViolation(path + ".screen_time", "Required: when the screening was done."));
        }
        else if (!Timestamps.TryFromProto(result.ScreenTime, out var screened))
        {
            violations.Add(new FieldViolation(path + ".screen_time", "Not a valid timestamp."));
        }
        else if (screened > now.AddMinutes(5))
        {
            // A few minutes of clock skew between the screening site and the node are tolerated.
            violations.Add(new FieldViolation(path + ".screen_time", "Must not be in the future."));
        }
        if (result.Remarks.Length > 0 && Validation.TextValues.Check(result.Remarks, 1, 512) is { } problem)
        {
            violations.Add(new FieldViolation(path + ".remarks", problem));
        }
    }
}
