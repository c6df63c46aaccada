using System.Globalization;
using Exchange.Contracts.Reporting.V1;
using Exchange.Core.Declarations;
using Exchange.Core.Identity;
using Exchange.Core.Monetary;
using Exchange.Core.Storage;
using Exchange.Core.Validation;
using Google.Protobuf.WellKnownTypes;

namespace Exchange.Core.Reporting;

/// <summary>
/// GetPerformanceReport: checks the request (every problem with its field path), cuts the range
/// into UTC-aligned windows, asks the store for the aggregates per window and group and over the
/// whole range, and sets each configured target against its baseline. Officers only (the host
/// resolves the officer before calling).
/// </summary>
public sealed class ReportingWorkflow(IReportStore store, ReportingOptions options, ExchangeRates rates, TimeProvider clock)
{
    /// <summary>The most windows one report may have.</summary>
    public const int MaxWindows = 1000;

    public async Task<GetPerformanceReportResponse> GetPerformanceReportAsync(
        OfficerIdentity officer, GetPerformanceReportRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(officer);
        ArgumentNullException.ThrowIfNull(request);
        var (period, starts, start, end) = Check(request);
        var grouping = request.GroupBy switch
        {
            GroupBy.Channel => ReportGrouping.Channel,
            GroupBy.OriginCountry => ReportGrouping.OriginCountry,
            GroupBy.Filer => ReportGrouping.Filer,
            _ => ReportGrouping.None,
        };
        var endMicros = DeclarationIndex.CeilingUnixMicroseconds(end);
        var rows = await store.AggregateAsync(
            new ReportQuery(starts.Select(DeclarationIndex.CeilingUnixMicroseconds).ToList(), endMicros, grouping), cancellationToken);
        var total = await AggregateOneAsync(start, end, cancellationToken);

        var response = new GetPerformanceReportResponse
        {
            Total = total.Proto,
            ComputeTime = Timestamps.ToProto(Timestamps.Now(clock)),
        };
        foreach (var row in rows)
        {
            Timestamps.TryFromUnixMicroseconds(row.WindowStart, out var windowStart);
            response.Rows.Add(new ReportRow
            {
                WindowStart = Timestamps.ToProto(windowStart),
                Group = grouping == ReportGrouping.Filer ? ResourceNames.Filer(row.Group) : row.Group,
                Measures = ReportMeasures.Of(row, rates).Proto,
            });
        }
        if (options.Targets.Count > 0)
        {
            response.Targets.AddRange(await TargetsAsync(period, total, cancellationToken));
        }
        return response;
    }

    /// <summary>
    /// The baseline period: the configured one, else the first period of data (the period of the
    /// report's size that holds the earliest declaration, as the issue of performance measures
    /// asks); null when there is no data.
    /// </summary>
    public async Task<(DateTimeOffset Start, DateTimeOffset End)?> BaselinePeriodAsync(Period period, CancellationToken cancellationToken)
    {
        if (options.BaselineStart is { } configuredStart && options.BaselineEnd is { } configuredEnd)
        {
            return (configuredStart.ToUniversalTime(), configuredEnd.ToUniversalTime());
        }
        if (await store.GetFirstCreateTimeAsync(cancellationToken) is not { } first
            || !Timestamps.TryFromUnixMicroseconds(first, out var firstTime))
        {
            return null;
        }
        var start = ReportWindows.AlignDown(firstTime, period);
        return (start, ReportWindows.Next(start, period));
    }

    private async Task<List<TargetStatus>> TargetsAsync(Period period, ComputedMeasures current, CancellationToken cancellationToken)
    {
        var baselinePeriod = await BaselinePeriodAsync(period, cancellationToken);
        var baseline = baselinePeriod is { } b ? await AggregateOneAsync(b.Start, b.End, cancellationToken) : ReportMeasures.Of(null, rates);
        var statuses = new List<TargetStatus>();
        foreach (var target in options.Targets)
        {
            var value = ReportMeasures.Value(target.Measure, current);
            statuses.Add(new TargetStatus
            {
                Measure = target.Measure,
                Target = target.Target,
                HigherIsBetter = target.HigherIsBetter,
                Baseline = ReportMeasures.Value(target.Measure, baseline) ?? 0,
                Current = value ?? 0,
                // A measure without data meets no target (a decision time of 0 is not a fast one).
                Met = value is { } v && (target.HigherIsBetter ? v >= target.Target : v <= target.Target),
                BaselinePeriod = baselinePeriod is { } p ? $"{Iso(p.Start)}/{Iso(p.End)}" : "",
            });
        }
        return statuses;
    }

    private async Task<ComputedMeasures> AggregateOneAsync(DateTimeOffset start, DateTimeOffset end, CancellationToken cancellationToken)
    {
        var aggregates = await store.AggregateAsync(new ReportQuery(
            [DeclarationIndex.CeilingUnixMicroseconds(start)], DeclarationIndex.CeilingUnixMicroseconds(end), ReportGrouping.None), cancellationToken);
        return ReportMeasures.Of(aggregates.Count == 0 ? null : aggregates[0], rates);
    }

    private static string Iso(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>The request's problems, all of them, or its period, window starts and range.</summary>
    private static (Period Period, List<DateTimeOffset> Starts, DateTimeOffset Start, DateTimeOffset End) Check(GetPerformanceReportRequest request)
    {
        var violations = new List<FieldViolation>();
        var periodKnown = request.Period is Period.Hour or Period.Day or Period.Month;
        if (!periodKnown)
        {
            violations.Add(new FieldViolation("period", "Required: PERIOD_HOUR, PERIOD_DAY or PERIOD_MONTH."));
        }
        var start = ReadTime(request.StartTime, "start_time", violations);
        var end = ReadTime(request.EndTime, "end_time", violations);
        if (start is { } s && periodKnown && ReportWindows.AlignDown(s, request.Period) != s)
        {
            violations.Add(new FieldViolation("start_time",
                $"Must be the start of a UTC {ReportWindows.Name(request.Period)} (windows are aligned to UTC); got {Iso(s)}."));
        }
        if (!System.Enum.IsDefined(request.GroupBy))
        {
            violations.Add(new FieldViolation("group_by", "Not a GroupBy value."));
        }
        var starts = new List<DateTimeOffset>();
        if (start is { } from && end is { } to)
        {
            if (to <= from)
            {
                violations.Add(new FieldViolation("end_time", "Must be after start_time."));
            }
            else if (periodKnown)
            {
                for (var window = from; window < to; window = ReportWindows.Next(window, request.Period))
                {
                    if (starts.Count == MaxWindows)
                    {
                        violations.Add(new FieldViolation("end_time",
                            $"At most {MaxWindows} windows of one {ReportWindows.Name(request.Period)} between start_time and end_time; use a longer period or a shorter range."));
                        break;
                    }
                    starts.Add(window);
                }
            }
        }
        RequestChecks.ThrowIfAny(violations);
        return (request.Period, starts, start!.Value, end!.Value);
    }

    private static DateTimeOffset? ReadTime(Timestamp? time, string field, List<FieldViolation> violations)
    {
        if (time is null)
        {
            violations.Add(new FieldViolation(field, "Required."));
            return null;
        }
        if (!Timestamps.TryFromProto(time, out var value) || value.Year < 1970)
        {
            violations.Add(new FieldViolation(field, "Must be a valid time from 1970 on."));
            return null;
        }
        return value;
    }
}

/// <summary>UTC-aligned report windows: hours, days and calendar months.</summary>
public static class ReportWindows
{
    /// <summary>The start of the window of <paramref name="period"/> that holds <paramref name="time"/>.</summary>
    public static DateTimeOffset AlignDown(DateTimeOffset time, Period period)
    {
        var utc = time.ToUniversalTime();
        return period switch
        {
            Period.Hour => new DateTimeOffset(utc.Year, utc.Month, utc.Day, utc.Hour, 0, 0, TimeSpan.Zero),
            Period.Day => new DateTimeOffset(utc.Year, utc.Month, utc.Day, 0, 0, 0, TimeSpan.Zero),
            Period.Month => new DateTimeOffset(utc.Year, utc.Month, 1, 0, 0, 0, TimeSpan.Zero),
            _ => throw new ArgumentOutOfRangeException(nameof(period), period, "Not a report period."),
        };
    }

    /// <summary>The start of the window after the one starting at <paramref name="windowStart"/>.</summary>
    public static DateTimeOffset Next(DateTimeOffset windowStart, Period period) => period switch
    {
        Period.Hour => windowStart.AddHours(1),
        Period.Day => windowStart.AddDays(1),
        Period.Month => windowStart.AddMonths(1),
        _ => throw new ArgumentOutOfRangeException(nameof(period), period, "Not a report period."),
    };

    public static string Name(Period period) => period switch
    {
        Period.Hour => "hour",
        Period.Day => "day",
        Period.Month => "month",
        _ => "period",
    };
}
