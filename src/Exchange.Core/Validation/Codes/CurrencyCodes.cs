using System.Collections.Frozen;

namespace Exchange.Core.Validation;

/// <summary>
/// ISO 4217 alphabetic currency codes of List One (current currency and funds), as published on
/// 2026-01-01, with the number of digits of each minor unit. 178 codes: 165 with a minor unit and 13
/// whose minor unit is "N.A." (precious metals, SDR, bond-market units, the test code XTS and the
/// no-currency code XXX). Withdrawn codes are absent: ANG (replaced by XCG on 2025-03-31), BGN
/// (Bulgaria adopted the euro on 2026-01-01), CUC, HRK, SLL, ZWL.
/// </summary>
public static class CurrencyCodes
{
    /// <summary>
    /// Every active code with its minor unit digits; null where ISO 4217 gives "N.A.", in which
    /// case no limit on decimals follows from the code.
    /// </summary>
    public static FrozenDictionary<string, int?> MinorUnits { get; } = Build(
        // Zero decimals.
        (0, ["BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW", "PYG", "RWF", "UGX", "UYI", "VND", "VUV",
             "XAF", "XOF", "XPF"]),
        // Three decimals.
        (3, ["BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"]),
        // Four decimals (Chilean Unidad de Fomento, Uruguayan Unidad Previsional).
        (4, ["CLF", "UYW"]),
        // Two decimals.
        (2, ["AED", "AFN", "ALL", "AMD", "AOA", "ARS", "AUD", "AWG", "AZN",
             "BAM", "BBD", "BDT", "BMD", "BND", "BOB", "BOV", "BRL", "BSD", "BTN", "BWP", "BYN", "BZD",
             "CAD", "CDF", "CHE", "CHF", "CHW", "CNY", "COP", "COU", "CRC", "CUP", "CVE", "CZK",
             "DKK", "DOP", "DZD",
             "EGP", "ERN", "ETB", "EUR",
             "FJD", "FKP",
             "GBP", "GEL", "GHS", "GIP", "GMD", "GTQ", "GYD",
             "HKD", "HNL", "HTG", "HUF",
             "IDR", "ILS", "INR", "IRR",
             "JMD",
             "KES", "KGS", "KHR", "KPW", "KYD", "KZT",
             "LAK", "LBP", "LKR", "LRD", "LSL",
             "MAD", "MDL", "MGA", "MKD", "MMK", "MNT", "MOP", "MRU", "MUR", "MVR", "MWK", "MXN", "MXV",
             "MYR", "MZN",
             "NAD", "NGN", "NIO", "NOK", "NPR", "NZD",
             "PAB", "PEN", "PGK", "PHP", "PKR", "PLN",
             "QAR",
             "RON", "RSD", "RUB",
             "SAR", "SBD", "SCR", "SDG", "SEK", "SGD", "SHP", "SLE", "SOS", "SRD", "SSP", "STN", "SVC",
             "SYP", "SZL",
             "THB", "TJS", "TMT", "TOP", "TRY", "TTD", "TWD", "TZS",
             "UAH", "USD", "USN", "UYU", "UZS",
             "VED", "VES",
             "WST",
             "XAD", "XCD", "XCG",
             "YER",
             "ZAR", "ZMW", "ZWG"]),
        // Minor unit "N.A.".
        (null, ["XAG", "XAU", "XBA", "XBB", "XBC", "XBD", "XDR", "XPD", "XPT", "XSU", "XTS", "XUA", "XXX"]));

    public static bool IsActive(string? code) => code is not null && MinorUnits.ContainsKey(code);

    /// <summary>
    /// The digits of the minor unit of <paramref name="code"/>: true and the digits for a code with a
    /// minor unit; false for an unknown code or one whose minor unit is "N.A.".
    /// </summary>
    public static bool TryGetMinorUnits(string? code, out int digits)
    {
        if (code is not null && MinorUnits.TryGetValue(code, out var minor) && minor is { } known)
        {
            digits = known;
            return true;
        }

        digits = 0;
        return false;
    }

    /// <summary>Why <paramref name="code"/> is not an active ISO 4217 code, or null when it is.</summary>
    public static string? Check(string? code)
    {
        if (IsActive(code))
        {
            return null;
        }

        return code is { Length: 3 } && code.All(char.IsAsciiLetterUpper)
            ? $"{Echo.Quote(code)} is not an active ISO 4217 currency code"
            : $"must be an ISO 4217 currency code in upper case, e.g. EUR; got {Echo.Quote(code)}";
    }

    private static FrozenDictionary<string, int?> Build(params (int? Digits, string[] Codes)[] groups) =>
        groups.SelectMany(g => g.Codes.Select(code => KeyValuePair.Create(code, g.Digits)))
            .ToFrozenDictionary(StringComparer.Ordinal);
}
