namespace Exchange.Core.Validation;

/// <summary>
/// The EU Import One-Stop Shop VAT identification number: "IM" followed by 10 digits, e.g.
/// IM0123456789 (EU VAT e-commerce package 2021; declared in EU data element 13 16 000 000, role
/// FR5, per the AEAT H7 manual).
/// </summary>
public static class IossNumber
{
    public static bool IsValid(string? value) =>
        value is { Length: 12 } && value.StartsWith("IM", StringComparison.Ordinal) && !value.AsSpan(2).ContainsAnyExceptInRange('0', '9');

    /// <summary>Why <paramref name="value"/> is not an IOSS number, or null when it is.</summary>
    public static string? Check(string? value) => IsValid(value)
        ? null
        : $"must be an IOSS number: \"IM\" followed by 10 digits, e.g. IM0123456789; got {Echo.Quote(value)}";
}
