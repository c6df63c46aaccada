using Exchange.Core.Validation;

namespace Exchange.Core.Profiles;

/// <summary>
/// A code list a profile element's value must be drawn from: the stable name a profile file gives
/// it (<c>code_list</c>), what it is in words, and whether a code belongs to it.
/// <paramref name="OfCurrencies"/> says it lists currencies, so it also applies to a money value
/// (whose currency code it then checks).
/// </summary>
public sealed record CodeList(string Name, string Title, Func<string, bool> Contains, bool OfCurrencies);

/// <summary>
/// The code lists a profile may name: only those whose values the node holds
/// (Validation/Codes), so a profile cannot claim a list the node cannot check. An unknown name in
/// a profile file stops the node at start-up (<see cref="DataSetProfileReader"/>).
/// </summary>
public static class CodeLists
{
    /// <summary>ISO 3166-1 alpha-2: the officially assigned country codes (<see cref="CountryCodes"/>).</summary>
    public const string Iso3166Alpha2 = "ISO-3166-1-alpha-2";

    /// <summary>ISO 4217: the active alphabetic currency codes of List One (<see cref="CurrencyCodes"/>).</summary>
    public const string Iso4217 = "ISO-4217";

    /// <summary>Every code list the node knows, by name.</summary>
    public static IReadOnlyList<CodeList> All { get; } =
    [
        new(Iso3166Alpha2, "an ISO 3166-1 alpha-2 country code", CountryCodes.IsAssigned, OfCurrencies: false),
        new(Iso4217, "an ISO 4217 currency code", CurrencyCodes.IsActive, OfCurrencies: true),
    ];

    /// <summary>The code list named <paramref name="name"/> (exactly, as the names above are spelt), or null.</summary>
    public static CodeList? Find(string name) => All.FirstOrDefault(c => c.Name == name);
}
