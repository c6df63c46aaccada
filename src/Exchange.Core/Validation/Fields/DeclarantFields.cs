using Exchange.Contracts.Declaration.V1;

namespace Exchange.Core.Validation;

/// <summary>
/// The declarant (WCO DM R124 / R123; Section 321 "participant filer type" and CBP-assigned
/// "originator code", at most 35 characters).
/// </summary>
internal static class DeclarantFields
{
    public static void Check(Declarant declarant, string path, ViolationList violations)
    {
        PartyFields.CheckRequired(declarant.Party, path + ".party", violations);
        EnumValues.Required(declarant.Role, path + ".role", violations);
        TextValues.Optional(declarant.OriginatorCode, 35, path + ".originator_code", violations);
    }
}
