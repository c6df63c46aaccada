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
    public static DeclarationKey? ReadName(CallerIdentity caller, string? name, List<FieldViolation> violations) =>
        RequestChecks.ReadDeclarationChildName(caller, name, "referrals", violations);

    /// <summary>Every field problem of the answer, with paths under <c>response</c>.</summary>
    public static void Check(ReferralResponse? response, DateTimeOffset now, List<FieldViolation> violations)
    {
        switch (response?.AnswerCase)
        {
            case ReferralResponse.AnswerOneofCase.AdditionalInformation:
                CheckInformation(response.AdditionalInformation, "response.additional_information", violations);
                break;
            case ReferralResponse.AnswerOneofCase.ScreeningResult:
                CheckScreening(response.ScreeningResult, now, violations);
                break;
            default:
                violations.Add(new FieldViolation("response", "Required: additional_information or screening_result."));
                break;
        }
    }

    /// <summary>Why the referral cannot take an answer now (it is not OPEN), or null when it can.</summary>
    public static string? NotOpen(Referral referral) => referral.State != ReferralState.Open
        ? $"it is {referral.State.ToString().ToUpperInvariant()}, not OPEN."
        : null;

    /// <summary>
    /// The field violation of an answer that is not the kind the referral's type takes, or null
    /// when it fits: ICS2 answers an RFI (IE3Q02) with an RFI response (IE3R02) and an HRCM
    /// screening request (IE3Q03) with a screening response (IE3R03); a Do Not Load (IE3Q01) has no
    /// answer message (docs/enforcement.md; /work/shared/reference/standards.md, ICS2 message
    /// catalogue). The path is the answer given, so the filer sees which part does not fit.
    /// </summary>
    public static FieldViolation? KindMismatch(ReferralType type, ReferralResponse? response)
    {
        var given = response?.AnswerCase switch
        {
            ReferralResponse.AnswerOneofCase.AdditionalInformation => "response.additional_information",
            ReferralResponse.AnswerOneofCase.ScreeningResult => "response.screening_result",
            _ => null,
        };
        if (given is null)
        {
            return null; // no answer at all: Check reports it
        }
        return type switch
        {
            ReferralType.DoNotLoad => new FieldViolation(given,
                "The referral is a DO_NOT_LOAD (ICS2 IE3Q01): it takes no answer; customs decides."),
            ReferralType.RequestForInformation when response!.AnswerCase != ReferralResponse.AnswerOneofCase.AdditionalInformation =>
                new FieldViolation(given,
                    "The referral is a REQUEST_FOR_INFORMATION (ICS2 IE3Q02): answer it with response.additional_information (IE3R02), not a screening result."),
            ReferralType.HrcmScreening when response!.AnswerCase != ReferralResponse.AnswerOneofCase.ScreeningResult =>
                new FieldViolation(given,
                    "The referral is an HRCM_SCREENING (ICS2 IE3Q03): answer it with response.screening_result (IE3R03), not additional information."),
            _ => null,
        };
    }

    /// <summary>
    /// The reference of the <paramref name="sequence"/>th referral of a declaration, as an ICS2
    /// referral request carries one (IE3Q03 ReferralRequest reference, an..17): the last 14
    /// characters of the declaration id (the random part of its UUIDv7) and the sequence on 3
    /// digits, upper case, 17 characters.
    /// </summary>
    public static string Reference(DeclarationKey key, int sequence)
    {
        ArgumentNullException.ThrowIfNull(key);
        var id = key.DeclarationId.Replace("-", "", StringComparison.Ordinal);
        var tail = id.Length > 14 ? id[^14..] : id;
        return string.Concat(tail.ToUpperInvariant(), (sequence % 1000).ToString("D3", System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>Every field problem of additional information given at <paramref name="path"/> (a referral's or an agency request's answer).</summary>
    public static void CheckInformation(AdditionalInformation information, string path, List<FieldViolation> violations)
    {
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
        else if (!result.Cleared && string.IsNullOrWhiteSpace(result.Remarks))
        {
            // A screening that did not clear the consignment is what the officer acts on: it must say what was found.
            violations.Add(new FieldViolation(path + ".remarks", "Required when cleared is false: what the screening found, 1 to 512 characters."));
        }
    }
}
