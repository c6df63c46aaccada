using System.Globalization;
using Exchange.Core.Validation;

namespace Exchange.Core.Monetary;

/// <summary>Amounts in messages (hit reasons, payment refusals): rounded to the currency's minor unit and always shown with it ("EUR 150.00", "JPY 1500").</summary>
internal static class Amounts
{
    public static string Format(decimal amount, string currency)
    {
        var digits = CurrencyCodes.TryGetMinorUnits(currency, out var minor) ? minor : 2;
        var rounded = decimal.Round(amount, digits, MidpointRounding.AwayFromZero);
        return $"{currency} {rounded.ToString("F" + digits.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture)}";
    }
}
