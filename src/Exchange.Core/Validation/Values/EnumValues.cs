using System.Reflection;
using Google.Protobuf.Reflection;

namespace Exchange.Core.Validation;

/// <summary>
/// Enum fields of the contract. Proto3 enums are open: a peer built on a newer contract, or a
/// careless one, can send any number, so a value must be one the contract defines. The zero
/// `*_UNSPECIFIED` value means "not given" (Buf / AIP-126 enum style).
/// </summary>
internal static class EnumValues
{
    /// <summary>Reports a required enum: set, and a value the contract defines.</summary>
    public static void Required<T>(T value, string path, ViolationList violations)
        where T : struct, Enum
    {
        if (Convert.ToInt32(value, System.Globalization.CultureInfo.InvariantCulture) == 0)
        {
            violations.Required(path, $"one of {Names<T>.Listed}");
        }
        else if (!Enum.IsDefined(value))
        {
            violations.Add(path, Unknown(value));
        }
    }

    /// <summary>Reports an optional enum: unset, or a value the contract defines.</summary>
    public static void Optional<T>(T value, string path, ViolationList violations)
        where T : struct, Enum
    {
        if (!Enum.IsDefined(value))
        {
            violations.Add(path, Unknown(value));
        }
    }

    /// <summary>True when the value is set and defined by the contract.</summary>
    public static bool IsKnown<T>(T value)
        where T : struct, Enum =>
        Enum.IsDefined(value) && Convert.ToInt32(value, System.Globalization.CultureInfo.InvariantCulture) != 0;

    private static string Unknown<T>(T value)
        where T : struct, Enum =>
        $"unknown value {Convert.ToInt32(value, System.Globalization.CultureInfo.InvariantCulture)}; expected one of {Names<T>.Listed}";

    // The proto names of the values other than zero, e.g. "CHANNEL_POSTAL, CHANNEL_EXPRESS, CHANNEL_CARGO":
    // the names a filer sees in the contract and in JSON.
    private static class Names<T>
        where T : struct, Enum
    {
        public static readonly string Listed = string.Join(", ",
            typeof(T).GetFields(BindingFlags.Public | BindingFlags.Static)
                .Where(f => Convert.ToInt32(f.GetValue(null), System.Globalization.CultureInfo.InvariantCulture) != 0)
                .Select(f => f.GetCustomAttribute<OriginalNameAttribute>()?.Name ?? f.Name));
    }
}
