using Exchange.Contracts.Declaration.V1;

namespace Exchange.Core.Validation;

/// <summary>Contact details of a party (WCO DM 240 communication number / 253 type): e-mail and telephone.</summary>
internal static class ContactFields
{
    public static void Check(Contact contact, string path, ViolationList violations)
    {
        if (contact.Email.Length > 0 && EmailAddress.Check(contact.Email) is { } emailProblem)
        {
            violations.Add(path + ".email", emailProblem);
        }

        if (contact.Phone.Length > 0 && PhoneNumber.Check(contact.Phone) is { } phoneProblem)
        {
            violations.Add(path + ".phone", phoneProblem);
        }
    }
}
