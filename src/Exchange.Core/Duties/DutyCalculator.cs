using Exchange.Contracts.Declaration.V1;
using Exchange.Core.Monetary;

namespace Exchange.Core.Duties;

/// <summary>
/// Estimates duties and taxes with the dated rules of the destination jurisdiction in force on the
/// declaration's acceptance date. Pure and thread-safe; exact decimal arithmetic.
/// <para>
/// How an estimate is made: the item values, transport and insurance are converted to the
/// jurisdiction's currency (unrounded); the duty rules in force run in file order, each settling
/// the items it covers (a relief, the EU flat duty, the US postal duty) and leaving the rest to
/// the next (ad valorem); then the tax rules run on the result. Every line is rounded to the cent,
/// half away from zero, and the totals are the sums of the lines.
/// </para>
/// </summary>
public sealed class DutyCalculator
{
    private readonly TariffProfile _profile;
    private readonly ExchangeRates _rates;

    /// <exception cref="ArgumentException">The rates do not know the currency of a jurisdiction of the profile.</exception>
    public DutyCalculator(TariffProfile profile, ExchangeRates rates)
    {
        ArgumentNullException.ThrowIfNull(profile);
        ArgumentNullException.ThrowIfNull(rates);
        var unknown = profile.Jurisdictions.Where(j => !rates.Knows(j.Currency)).Select(j => $"{j.Id} ({j.Currency})").ToList();
        if (unknown.Count > 0)
        {
            throw new ArgumentException(
                $"The exchange rates of {rates.AsOf:yyyy-MM-dd} have no rate for the currency of {string.Join(", ", unknown)} in {profile.Source}.",
                nameof(rates));
        }
        _profile = profile;
        _rates = rates;
    }

    /// <summary>
    /// The estimate, or null when there is nothing to estimate: no configured jurisdiction covers
    /// the destination country; the consignment leaves from a country of the same jurisdiction
    /// (e.g. DE to NL is no importation); or an amount is in a currency the configured rates do not
    /// know (the declaration is valid, but it cannot be converted: no guess is better than a wrong
    /// one).
    /// </summary>
    public DutyEstimate? Estimate(Declaration declaration, DateTimeOffset acceptedAt)
    {
        ArgumentNullException.ThrowIfNull(declaration);
        var jurisdiction = _profile.JurisdictionOf(declaration.Transport?.DestinationCountryCode);
        if (jurisdiction is null
            || jurisdiction.Covers(declaration.Transport!.DepartureCountryCode)
            || !Currencies(declaration).All(_rates.Knows))
        {
            return null;
        }

        var date = jurisdiction.LocalDate(acceptedAt);
        var assessment = new Assessment(declaration, jurisdiction, _rates, date);
        var rules = jurisdiction.RulesInForceOn(date).Where(rule => rule.Concerns(declaration)).ToList();
        foreach (var rule in rules.Where(rule => rule.Phase == RulePhase.Duty))
        {
            rule.Apply(assessment);
        }
        assessment.CloseDuty();
        foreach (var rule in rules.Where(rule => rule.Phase == RulePhase.Tax))
        {
            rule.Apply(assessment);
        }
        return assessment.ToEstimate(RatesNote(declaration, jurisdiction.Currency));
    }

    /// <summary>
    /// "1 EUR = 1.0850 USD (rates of 2026-07-01)" for each currency other than the base that took
    /// part in a conversion; empty when every amount was already in the jurisdiction's currency.
    /// </summary>
    private string RatesNote(Declaration declaration, string currency)
    {
        var used = Currencies(declaration).ToHashSet(StringComparer.Ordinal);
        if (used.All(c => c == currency))
        {
            return "";
        }
        used.Add(currency);
        used.Remove(_rates.BaseCurrency);
        return string.Join("; ", used.Order(StringComparer.Ordinal).Select(_rates.Describe));
    }

    /// <summary>The currencies of the amounts an estimate converts: item values, transport and insurance.</summary>
    private static IEnumerable<string> Currencies(Declaration declaration)
    {
        foreach (var item in declaration.Items)
        {
            yield return item.Value?.CurrencyCode ?? "";
        }
        foreach (var charge in new[] { declaration.Totals?.TransportCharges, declaration.Totals?.Insurance })
        {
            if (charge is not null && (charge.Units != 0 || charge.Nanos != 0))
            {
                yield return charge.CurrencyCode;
            }
        }
    }
}
