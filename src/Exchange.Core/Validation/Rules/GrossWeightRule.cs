using Exchange.Contracts.Declaration.V1;

namespace Exchange.Core.Validation;

/// <summary>
/// The total gross weight includes the packaging, so it is not less than the sum of the items' net
/// weights (CN23 "Total gross weight" against box 3 "Net weight"; WCO DM 131). Checked only when
/// every weight is a valid measure; otherwise the field rules already explain why.
/// </summary>
internal static class GrossWeightRule
{
    public static void Check(Declaration d, string path, ViolationList violations)
    {
        if (DecimalValues.CheckPositiveMeasure(d.Totals?.GrossWeightKg, out var gross) is not null
            || d.Items.Count is 0 or > DeclarationFields.MaxItems)
        {
            return;
        }

        // At most 999 weights below 10^16 each (n..16,6): the sum cannot overflow.
        var sum = 0m;
        foreach (var item in d.Items)
        {
            if (DecimalValues.CheckPositiveMeasure(item?.NetWeightKg, out var net) is not null)
            {
                return;
            }

            sum += net;
        }

        if (gross < sum)
        {
            violations.Add(path + ".totals.gross_weight_kg",
                $"must not be less than the sum of the items' net weights: gross {Echo.Number(gross)} kg, "
                + $"net weights sum to {Echo.Number(sum)} kg");
        }
    }
}
