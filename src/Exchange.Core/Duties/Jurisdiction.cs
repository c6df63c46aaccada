using System.Collections.Frozen;

namespace Exchange.Core.Duties;

/// <summary>
/// A customs territory with one tariff (the EU customs union, the United States): the countries
/// whose destination it covers, the currency its duties are charged in, the time zone its dates
/// are read in, and its dated rules in file order.
/// </summary>
public sealed class Jurisdiction
{
    private readonly FrozenSet<string> _countries;

    internal Jurisdiction(
        string id,
        string currency,
        TimeZoneInfo timeZone,
        IReadOnlyList<string> countries,
        IReadOnlyList<TariffRule> rules)
    {
        Id = id;
        Currency = currency;
        TimeZone = timeZone;
        Countries = countries;
        Rules = rules;
        _countries = countries.ToFrozenSet(StringComparer.Ordinal);
    }

    /// <summary>The id written into estimates, e.g. "EU" or "US".</summary>
    public string Id { get; }

    /// <summary>ISO 4217 code of the currency duties and taxes are charged in.</summary>
    public string Currency { get; }

    /// <summary>
    /// The time zone of the rules' dates. Legal texts give effective dates in local time (EO 14324:
    /// "12:01 a.m. eastern daylight time on August 29, 2025"; EU regulations apply from a date in
    /// the member states), so a declaration accepted at 23:30 UTC on 30 June 2026 is accepted on
    /// 1 July in Brussels and falls under the rules of 1 July.
    /// </summary>
    public TimeZoneInfo TimeZone { get; }

    /// <summary>ISO 3166-1 alpha-2 codes of the countries of destination covered.</summary>
    public IReadOnlyList<string> Countries { get; }

    /// <summary>Whether <paramref name="countryCode"/> is one of <see cref="Countries"/>.</summary>
    public bool Covers(string? countryCode) => countryCode is not null && _countries.Contains(countryCode);

    /// <summary>Every rule, in file order, whatever its dates.</summary>
    public IReadOnlyList<TariffRule> Rules { get; }

    /// <summary>The local date of <paramref name="instant"/> in the jurisdiction.</summary>
    public DateOnly LocalDate(DateTimeOffset instant) =>
        DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(instant, TimeZone).DateTime);

    /// <summary>The rules in force on <paramref name="date"/>, in file order.</summary>
    public IEnumerable<TariffRule> RulesInForceOn(DateOnly date) => Rules.Where(rule => rule.InForceOn(date));
}
