using Exchange.Contracts.Declaration.V1;

namespace Exchange.Core.Validation;

/// <summary>A customs representative (WCO DM R003 / R004, status 102): a party and the kind of representation, both required.</summary>
internal static class RepresentativeFields
{
    public static void Check(Representative representative, string path, ViolationList violations)
    {
        PartyFields.CheckRequired(representative.Party, path + ".party", violations);
        EnumValues.Required(representative.Status, path + ".status", violations);
    }
}
