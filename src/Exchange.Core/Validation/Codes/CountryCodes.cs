using System.Collections.Frozen;

namespace Exchange.Core.Validation;

/// <summary>
/// ISO 3166-1 alpha-2 country codes: the 249 officially assigned codes (ISO 3166-1, as maintained
/// by the ISO 3166 Maintenance Agency). User-assigned codes (AA, QM-QZ, XA-XZ, ZZ, so also XK
/// "Kosovo" and XI "Northern Ireland"), exceptionally reserved codes (e.g. EU, UK, EL) and
/// transitionally reserved codes (e.g. AN, YU) are not country codes and are refused: the WCO Data
/// Model (element 242, a2) and UPU S10 both require an assigned ISO 3166-1 code.
/// </summary>
public static class CountryCodes
{
    /// <summary>All officially assigned ISO 3166-1 alpha-2 codes, upper case.</summary>
    public static FrozenSet<string> Assigned { get; } = FrozenSet.ToFrozenSet(
    [
        "AD", "AE", "AF", "AG", "AI", "AL", "AM", "AO", "AQ", "AR", "AS", "AT", "AU", "AW", "AX", "AZ",
        "BA", "BB", "BD", "BE", "BF", "BG", "BH", "BI", "BJ", "BL", "BM", "BN", "BO", "BQ", "BR", "BS",
        "BT", "BV", "BW", "BY", "BZ",
        "CA", "CC", "CD", "CF", "CG", "CH", "CI", "CK", "CL", "CM", "CN", "CO", "CR", "CU", "CV", "CW",
        "CX", "CY", "CZ",
        "DE", "DJ", "DK", "DM", "DO", "DZ",
        "EC", "EE", "EG", "EH", "ER", "ES", "ET",
        "FI", "FJ", "FK", "FM", "FO", "FR",
        "GA", "GB", "GD", "GE", "GF", "GG", "GH", "GI", "GL", "GM", "GN", "GP", "GQ", "GR", "GS", "GT",
        "GU", "GW", "GY",
        "HK", "HM", "HN", "HR", "HT", "HU",
        "ID", "IE", "IL", "IM", "IN", "IO", "IQ", "IR", "IS", "IT",
        "JE", "JM", "JO", "JP",
        "KE", "KG", "KH", "KI", "KM", "KN", "KP", "KR", "KW", "KY", "KZ",
        "LA", "LB", "LC", "LI", "LK", "LR", "LS", "LT", "LU", "LV", "LY",
        "MA", "MC", "MD", "ME", "MF", "MG", "MH", "MK", "ML", "MM", "MN", "MO", "MP", "MQ", "MR", "MS",
        "MT", "MU", "MV", "MW", "MX", "MY", "MZ",
        "NA", "NC", "NE", "NF", "NG", "NI", "NL", "NO", "NP", "NR", "NU", "NZ",
        "OM",
        "PA", "PE", "PF", "PG", "PH", "PK", "PL", "PM", "PN", "PR", "PS", "PT", "PW", "PY",
        "QA",
        "RE", "RO", "RS", "RU", "RW",
        "SA", "SB", "SC", "SD", "SE", "SG", "SH", "SI", "SJ", "SK", "SL", "SM", "SN", "SO", "SR", "SS",
        "ST", "SV", "SX", "SY", "SZ",
        "TC", "TD", "TF", "TG", "TH", "TJ", "TK", "TL", "TM", "TN", "TO", "TR", "TT", "TV", "TW", "TZ",
        "UA", "UG", "UM", "US", "UY", "UZ",
        "VA", "VC", "VE", "VG", "VI", "VN", "VU",
        "WF", "WS",
        "YE", "YT",
        "ZA", "ZM", "ZW",
    ], StringComparer.Ordinal);

    /// <summary>
    /// The 27 member states of the European Union, by their ISO 3166-1 code (Greece is GR here, not
    /// the EL of EU VAT numbers). The EU Import One-Stop Shop (IOSS) covers goods imported into
    /// these states (Council Directive (EU) 2017/2455, the 2021 VAT e-commerce package).
    /// </summary>
    public static FrozenSet<string> EuMemberStates { get; } = FrozenSet.ToFrozenSet(
    [
        "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU",
        "IE", "IT", "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK",
    ], StringComparer.Ordinal);

    public static bool IsAssigned(string? code) => code is not null && Assigned.Contains(code);

    public static bool IsEuMemberState(string? code) => code is not null && EuMemberStates.Contains(code);

    /// <summary>Why <paramref name="code"/> is not an assigned ISO 3166-1 alpha-2 code, or null when it is.</summary>
    public static string? Check(string? code)
    {
        if (IsAssigned(code))
        {
            return null;
        }

        return code is { Length: 2 } && char.IsAsciiLetterUpper(code[0]) && char.IsAsciiLetterUpper(code[1])
            ? $"{Echo.Quote(code)} is not an assigned ISO 3166-1 alpha-2 country code"
            : $"must be an ISO 3166-1 alpha-2 country code in upper case, e.g. DE; got {Echo.Quote(code)}";
    }
}
