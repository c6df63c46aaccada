using Exchange.Contracts.Declaration.V1;

namespace Exchange.Core.Validation;

/// <summary>
/// A party's scheme-qualified identifiers: 0 to 10, each with a known scheme, a value of 1 to 17
/// letters, digits or hyphens (an EORI as <see cref="Eori"/> checks it), an optional issuing
/// country, no scheme and value twice; an EORI given both here and in `eori` must be the same.
/// </summary>
internal static class PartyIdentifierFields
{
    public const int MaxIdentifiers = 10;
    public const int MaxValueLength = 17;

    public static void Check(Party party, string path, ViolationList violations)
    {
        var identifiers = party.Identifiers;
        var listPath = path + ".identifiers";
        if (identifiers.Count > MaxIdentifiers)
        {
            violations.Add(listPath, $"must hold at most {MaxIdentifiers} identifiers; got {identifiers.Count}");
            return;
        }

        var seen = new HashSet<(PartyIdentifierScheme, string)>();
        for (var i = 0; i < identifiers.Count; i++)
        {
            var identifier = identifiers[i];
            var at = $"{listPath}[{i}]";
            EnumValues.Required(identifier.Scheme, at + ".scheme", violations);
            if (ValueProblem(identifier) is { } problem)
            {
                violations.Add(at + ".value", problem);
            }
            else if (!seen.Add((identifier.Scheme, identifier.Value)))
            {
                violations.Add(at, $"repeats {identifier.Scheme} {Echo.Quote(identifier.Value)}; give each identifier once");
            }
            else if (identifier.Scheme == PartyIdentifierScheme.Eori && party.Eori.Length > 0 && party.Eori != identifier.Value)
            {
                violations.Add(at + ".value", $"is EORI {Echo.Quote(identifier.Value)} but eori is {Echo.Quote(party.Eori)}; a party has one EORI");
            }

            CountryField.Optional(identifier.IssuingCountryCode, at + ".issuing_country_code", violations);
        }
    }

    private static string? ValueProblem(PartyIdentifier identifier)
    {
        if (identifier.Scheme == PartyIdentifierScheme.Eori)
        {
            return Eori.Check(identifier.Value);
        }

        var shaped = identifier.Value.Length is >= 1 and <= MaxValueLength
            && identifier.Value.All(c => char.IsAsciiLetterOrDigit(c) || c == '-');
        return shaped ? null : $"must be 1 to {MaxValueLength} letters, digits or hyphens; got {Echo.Quote(identifier.Value)}";
    }
}
