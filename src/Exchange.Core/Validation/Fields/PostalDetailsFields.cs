using Exchange.Contracts.Declaration.V1;

namespace Exchange.Core.Validation;

/// <summary>
/// The CN23 details beyond the goods: the sender's customs reference, invoice number and office of
/// origin at most 35 characters each; 0 to 10 licence and 0 to 10 certificate numbers of at most
/// 35 characters; a posting time in the plausible window, not in the future (<see cref="PlausibleTimes"/>); a known mail class when given. Only on the postal channel, where the CN23 is the form.
/// </summary>
internal static class PostalDetailsFields
{
    public const int MaxNumbers = 10;
    private const int MaxText = 35;

    public static void Check(Declaration d, string path, ViolationList violations, DateTimeOffset now)
    {
        if (d.PostalDetails is not { } details)
        {
            return;
        }

        if (d.Channel is not (Channel.Postal or Channel.Unspecified))
        {
            violations.Add(path, $"are for the postal channel (the UPU CN23 form); this declaration's channel is {d.Channel}");
        }

        TextValues.Optional(details.SenderCustomsReference, MaxText, path + ".sender_customs_reference", violations);
        TextValues.Optional(details.InvoiceNumber, MaxText, path + ".invoice_number", violations);
        TextValues.Optional(details.OfficeOfOrigin, MaxText, path + ".office_of_origin", violations);
        CheckNumbers(details.LicenceNumbers, path + ".licence_numbers", violations);
        CheckNumbers(details.CertificateNumbers, path + ".certificate_numbers", violations);
        EnumValues.Optional(details.MailClass, path + ".mail_class", violations);
        if (details.PostingTime is { } posted && PlausibleTimes.CheckPast(posted, now) is { } timeProblem)
        {
            violations.Add(path + ".posting_time", timeProblem);
        }
    }

    private static void CheckNumbers(IReadOnlyList<string> numbers, string path, ViolationList violations)
    {
        if (numbers.Count > MaxNumbers)
        {
            violations.Add(path, $"must hold at most {MaxNumbers} numbers; got {numbers.Count}");
            return;
        }

        for (var i = 0; i < numbers.Count; i++)
        {
            TextValues.Required(numbers[i], 1, MaxText, $"{path}[{i}]", violations);
        }
    }
}
