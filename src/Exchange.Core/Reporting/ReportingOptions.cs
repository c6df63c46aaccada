using System.Globalization;

namespace Exchange.Core.Reporting;

/// <summary>
/// The administration's performance targets and baseline (configuration section
/// "Exchange:Reporting"). Without a configured baseline period, the baseline is the first full
/// period of data (docs/reporting.md).
/// </summary>
public sealed class ReportingOptions
{
    /// <summary>The targets; when the configuration names none, <see cref="DefaultTargets"/>.</summary>
    public List<TargetOptions> Targets { get; set; } = [];

    /// <summary>Start of the configured baseline period (inclusive); set together with <see cref="BaselineEnd"/>.</summary>
    public DateTimeOffset? BaselineStart { get; set; }

    /// <summary>End of the configured baseline period (exclusive).</summary>
    public DateTimeOffset? BaselineEnd { get; set; }

    /// <summary>
    /// Targets inspired by CBP's and the WCO's published goals for low-value consignments: most
    /// released at once, decisions within a minute, advance data complete, filers compliant; the
    /// revenue assessed collected; no postal item without advance data (the US STOP Act requires it
    /// for 100% of inbound postal items from 31 Dec 2020). The referral answer times are the node's
    /// own defaults (no published target exists): a day for a request for information, four hours
    /// for HRCM screening, which stops air cargo before loading.
    /// </summary>
    public static IReadOnlyList<TargetOptions> DefaultTargets =>
    [
        new() { Measure = "release_rate", Target = 0.9, HigherIsBetter = true },
        new() { Measure = "decision_time_p90_seconds", Target = 60, HigherIsBetter = false },
        new() { Measure = "complete_advance_data_share", Target = 0.95, HigherIsBetter = true },
        new() { Measure = "filer_compliance_rate", Target = 0.9, HigherIsBetter = true },
        new() { Measure = "postal_no_advance_data_share", Target = 0, HigherIsBetter = false },
        new() { Measure = "information_response_time_median_seconds", Target = 86_400, HigherIsBetter = false },
        new() { Measure = "screening_response_time_median_seconds", Target = 14_400, HigherIsBetter = false },
        // Revenue assessed at the border should be collected: what is left unpaid is goods held
        // (collect on delivery) or debt on unguaranteed accounts (docs/revenue.md).
        new() { Measure = "revenue_collection_rate", Target = 0.95, HigherIsBetter = true },
    ];

    /// <summary>Every problem of the options, each naming its setting; empty when they are valid.</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < Targets.Count; i++)
        {
            var target = Targets[i];
            var at = "Exchange:Reporting:Targets:" + i.ToString(CultureInfo.InvariantCulture);
            if (target is null)
            {
                problems.Add($"{at} is empty.");
                continue;
            }
            if (!ReportMeasures.IsKnown(target.Measure))
            {
                problems.Add($"{at}:Measure '{target.Measure}' is not a measure; use one of {string.Join(", ", ReportMeasures.Names)}.");
            }
            else if (!seen.Add(target.Measure))
            {
                problems.Add($"{at}:Measure '{target.Measure}' has a target already.");
            }
            if (!double.IsFinite(target.Target))
            {
                problems.Add($"{at}:Target must be a finite number.");
            }
        }
        if (BaselineStart.HasValue != BaselineEnd.HasValue)
        {
            problems.Add("Exchange:Reporting:BaselineStart and BaselineEnd are set together, or neither.");
        }
        else if (BaselineStart >= BaselineEnd)
        {
            problems.Add("Exchange:Reporting:BaselineEnd must be after BaselineStart.");
        }
        return problems;
    }
}

/// <summary>One target: the measure (its field name in Measures), the value, and which way is better.</summary>
public sealed class TargetOptions
{
    public string Measure { get; set; } = "";

    public double Target { get; set; }

    public bool HigherIsBetter { get; set; } = true;
}
