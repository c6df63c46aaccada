using System.Data;
using Exchange.Contracts.Declaration.V1;
using Exchange.Core.Reporting;
using Exchange.Core.Identity;
using Exchange.Core.Storage;

namespace Exchange.Storage;

/// <summary>
/// The performance report's side of the store: the measures row written with each declaration
/// write (in its transaction: <see cref="Writes"/>, <see cref="ReadAsync"/>) and the queries of
/// <see cref="IReportStore"/>. The aggregation is the dialect's own (<see cref="SqlDialect.AggregateAsync"/>):
/// PostgreSQL has percentile_cont, SQLite counts and sorts the range in process.
/// </summary>
public sealed class ReportRepository(StoreDatabase database) : IReportStore
{
    private const string UpsertSql = """
        INSERT INTO declaration_measures (
            filer_id, declaration_id, create_time, channel, origin_country, complete_data, first_decision_time,
            first_outcome, latest_outcome, amended, referral_count, agency_hold, duty_micros, duty_currency,
            tax_micros, tax_currency, revenue_currency, revenue_assessed_micros, revenue_collected_micros,
            ioss_number, ioss_month, ioss_vat_micros, disposition, disposition_reason)
        VALUES (
            @filer_id, @declaration_id, @create_time, @channel, @origin_country, @complete_data, @first_decision_time,
            @first_outcome, @latest_outcome, @amended, @referral_count, @agency_hold, @duty_micros, @duty_currency,
            @tax_micros, @tax_currency, @revenue_currency, @revenue_assessed_micros, @revenue_collected_micros,
            @ioss_number, @ioss_month, @ioss_vat_micros, @disposition, @disposition_reason)
        ON CONFLICT (filer_id, declaration_id) DO UPDATE SET
            create_time = excluded.create_time, channel = excluded.channel, origin_country = excluded.origin_country,
            complete_data = excluded.complete_data, first_decision_time = excluded.first_decision_time,
            first_outcome = excluded.first_outcome, latest_outcome = excluded.latest_outcome,
            amended = excluded.amended, referral_count = excluded.referral_count, agency_hold = excluded.agency_hold,
            duty_micros = excluded.duty_micros, duty_currency = excluded.duty_currency,
            tax_micros = excluded.tax_micros, tax_currency = excluded.tax_currency,
            revenue_currency = excluded.revenue_currency, revenue_assessed_micros = excluded.revenue_assessed_micros,
            revenue_collected_micros = excluded.revenue_collected_micros, ioss_number = excluded.ioss_number,
            ioss_month = excluded.ioss_month, ioss_vat_micros = excluded.ioss_vat_micros,
            disposition = excluded.disposition, disposition_reason = excluded.disposition_reason
        """;

    private const string InsertReferralAnswerSql = """
        INSERT INTO declaration_referral_answers (filer_id, declaration_id, referral, response_micros, referral_type)
        VALUES (@filer_id, @declaration_id, @referral, @response_micros, @referral_type)
        ON CONFLICT (filer_id, declaration_id, referral) DO NOTHING
        """;

    public async Task<IReadOnlyList<MeasureAggregate>> AggregateAsync(ReportQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var aggregates = new ReportAggregates();
        await using (var connection = await database.OpenReaderAsync(cancellationToken))
        {
            await database.Dialect.AggregateAsync(connection, query, GroupColumn(query.Grouping), aggregates, cancellationToken);
        }
        await AddPostalWithoutDataAsync(query, aggregates, cancellationToken);
        return await WithDispositionsAsync(aggregates.Build(), query, cancellationToken);
    }

    /// <summary>
    /// The postal items that arrived with no advance data, by window of arrival and group: few
    /// (each is an exception the STOP Act counts), so read by the arrival-time index and counted here,
    /// the same way for every store.
    /// </summary>
    private async Task AddPostalWithoutDataAsync(ReportQuery query, ReportAggregates aggregates, CancellationToken cancellationToken)
    {
        var starts = query.Windows().Select(w => w.Start).ToArray();
        var group = query.Grouping switch
        {
            ReportGrouping.None => "CAST('' AS TEXT)",
            ReportGrouping.Channel => $"CAST('{DeclarationMeasures.ChannelLabel(Channel.Postal)}' AS TEXT)",
            ReportGrouping.OriginCountry => "p.origin_country",
            ReportGrouping.Filer => "p.filer_id",
            _ => throw new ArgumentOutOfRangeException(nameof(query), query.Grouping, "Not a report grouping."),
        };
        var rows = await database.QueryAsync(
            database.Statement($"""
                    SELECT p.arrive_time, {group}
                    FROM postal_arrivals_without_data AS p
                    WHERE p.arrive_time >= @start AND p.arrive_time < @end
                    """)
                .With("start", starts[0])
                .With("end", query.End),
            reader => (Time: reader.GetInt64(0), Group: reader.GetString(1)),
            cancellationToken);
        foreach (var row in rows)
        {
            aggregates.AddPostalWithoutData(ReportAggregates.WindowOf(starts, row.Time), row.Group, 1);
        }
    }

    /// <summary>
    /// The aggregates with their dispositions by type and legal basis code. Dispositions are a
    /// small share of declarations: the rows that have one are read over the range and counted
    /// per window here, in one statement both dialects run alike.
    /// </summary>
    private async Task<IReadOnlyList<MeasureAggregate>> WithDispositionsAsync(
        IReadOnlyList<MeasureAggregate> aggregates, ReportQuery query, CancellationToken cancellationToken)
    {
        var starts = query.Windows().Select(w => w.Start).ToArray();
        var rows = await database.QueryAsync(
            database.Statement($"""
                    SELECT m.create_time, {GroupColumn(query.Grouping)}, m.disposition, m.disposition_reason
                    FROM declaration_measures AS m
                    WHERE m.create_time >= @start AND m.create_time < @end AND m.disposition <> 0
                    """)
                .With("start", starts[0])
                .With("end", query.End),
            reader => (Window: ReportAggregates.WindowOf(starts, reader.GetInt64(0)), Group: reader.GetString(1), Type: (int)reader.GetInt16(2), Code: reader.GetString(3)),
            cancellationToken);
        if (rows.Count == 0)
        {
            return aggregates;
        }
        var tallies = rows
            .GroupBy(r => (r.Window, r.Group))
            .ToDictionary(g => g.Key, g => (IReadOnlyList<DispositionTally>)g
                .GroupBy(r => (r.Type, r.Code))
                .Select(t => new DispositionTally(t.Key.Type, t.Key.Code, t.LongCount()))
                .ToList());
        return aggregates
            .Select(a => tallies.TryGetValue((a.WindowStart, a.Group), out var found) ? a with { Dispositions = found } : a)
            .ToList();
    }

    private static string GroupColumn(ReportGrouping grouping) => grouping switch
    {
        ReportGrouping.None => "CAST('' AS TEXT)",
        ReportGrouping.Channel => "m.channel",
        ReportGrouping.OriginCountry => "m.origin_country",
        ReportGrouping.Filer => "m.filer_id",
        _ => throw new ArgumentOutOfRangeException(nameof(grouping), grouping, "Not a report grouping."),
    };

    public async Task<long?> GetFirstCreateTimeAsync(CancellationToken cancellationToken) =>
        await database.ScalarAsync(database.Statement("SELECT MIN(create_time) FROM declaration_measures"), cancellationToken) is long first
            ? first
            : null;

    /// <summary>
    /// One GROUP BY over the rows with an IOSS number (a partial index), keyset-paged on the
    /// grouping columns: the same statement on both stores.
    /// </summary>
    public async Task<IReadOnlyList<IossMonthlySum>> ListIossMonthlySumsAsync(
        string? iossNumber, string? month, IossMonthlySum? after, int limit, CancellationToken cancellationToken)
    {
        // Saturating: a row may hold long.MaxValue (DeclarationMeasures saturates), and an
        // overflowing SUM would fail every page of the listing. Each filter is in the text only
        // when given: "(@x = '' OR col = @x)" is one plan for both cases, and neither SQLite nor
        // PostgreSQL seeks the IOSS index with it. The page position is a row value, which both
        // seek as a range of the index (number, month, currency, VAT; schema 13).
        var sql = new System.Text.StringBuilder($"""
                SELECT ioss_number, ioss_month, revenue_currency, {database.Dialect.SaturatingSum("ioss_vat_micros")}, COUNT(*)
                FROM declaration_measures
                WHERE ioss_number <> ''
                """);
        var parameters = new List<(string Name, string Value)>();
        if (iossNumber is not null)
        {
            sql.Append(" AND ioss_number = @ioss_number");
            parameters.Add(("ioss_number", iossNumber));
        }
        if (month is not null)
        {
            sql.Append(" AND ioss_month = @month");
            parameters.Add(("month", month));
        }
        if (after is not null)
        {
            sql.Append(" AND (ioss_number, ioss_month, revenue_currency) > (@after_ioss, @after_month, @after_currency)");
            parameters.AddRange([("after_ioss", after.IossNumber), ("after_month", after.Month), ("after_currency", after.Currency)]);
        }
        sql.Append("""

                GROUP BY ioss_number, ioss_month, revenue_currency
                ORDER BY ioss_number, ioss_month, revenue_currency
                LIMIT @limit
                """);
        var query = database.Statement(sql.ToString()).With("limit", limit);
        foreach (var (name, value) in parameters)
        {
            query.With(name, value);
        }
        return await database.QueryAsync(query, reader => new IossMonthlySum(
            reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetInt64(3), reader.GetInt64(4)), cancellationToken);
    }

    /// <summary>The stored measures of the declarations among <paramref name="keys"/> that have them, read inside the write transaction.</summary>
    internal static async Task<Dictionary<DeclarationKey, DeclarationMeasures>> ReadAsync(
        StoreDatabase database, WriteTransaction transaction, IEnumerable<DeclarationKey> keys, CancellationToken ct)
    {
        var query = database.Statement("""
                SELECT filer_id, declaration_id, create_time, channel, origin_country, complete_data, first_decision_time,
                       first_outcome, latest_outcome, amended, referral_count, agency_hold, duty_micros, duty_currency,
                       tax_micros, tax_currency, revenue_currency, revenue_assessed_micros, revenue_collected_micros,
                       ioss_number, ioss_month, ioss_vat_micros, disposition, disposition_reason
                FROM declaration_measures
                WHERE (filer_id, declaration_id) IN (
                """ + database.Dialect.KeyList("keys") + ")")
            .WithKeys("keys", keys.Distinct().ToArray());
        var measures = new Dictionary<DeclarationKey, DeclarationMeasures>();
        await using var reader = await transaction.ReadAsync(query, ct);
        while (await reader.ReadAsync(ct))
        {
            measures[new DeclarationKey(reader.GetString(0), reader.GetString(1))] = new DeclarationMeasures(
                FilerId: reader.GetString(0),
                CreateTime: reader.GetInt64(2),
                Channel: reader.GetString(3),
                OriginCountry: reader.GetString(4),
                CompleteData: reader.IsDBNull(5) ? null : reader.GetBoolean(5),
                FirstDecisionTime: reader.IsDBNull(6) ? null : reader.GetInt64(6),
                FirstOutcome: (DecisionOutcome)reader.GetInt16(7),
                LatestOutcome: (DecisionOutcome)reader.GetInt16(8),
                Amended: reader.GetBoolean(9),
                ReferralCount: reader.GetInt32(10),
                AgencyHold: reader.GetBoolean(11),
                DutyMicros: reader.GetInt64(12),
                DutyCurrency: reader.GetString(13),
                TaxMicros: reader.GetInt64(14),
                TaxCurrency: reader.GetString(15),
                RevenueCurrency: reader.GetString(16),
                RevenueAssessedMicros: reader.GetInt64(17),
                RevenueCollectedMicros: reader.GetInt64(18),
                IossNumber: reader.GetString(19),
                IossMonth: reader.GetString(20),
                IossVatMicros: reader.GetInt64(21),
                Disposition: (DispositionType)reader.GetInt16(22),
                DispositionReason: reader.GetString(23));
        }
        return measures;
    }

    /// <summary>The upsert of the declaration's measures row, and the inserts of the write's referral answers.</summary>
    internal static IEnumerable<Statement> Writes(StoreDatabase database, DeclarationKey key, MeasuresChange change)
    {
        var row = change.Row;
        yield return database.Statement(UpsertSql)
            .With("filer_id", key.FilerId)
            .With("declaration_id", key.DeclarationId)
            .With("create_time", row.CreateTime)
            .With("channel", row.Channel)
            .With("origin_country", row.OriginCountry)
            .WithNullable("complete_data", row.CompleteData, DbType.Boolean)
            .WithNullable("first_decision_time", row.FirstDecisionTime, DbType.Int64)
            .With("first_outcome", (short)row.FirstOutcome)
            .With("latest_outcome", (short)row.LatestOutcome)
            .With("amended", row.Amended)
            .With("referral_count", row.ReferralCount)
            .With("agency_hold", row.AgencyHold)
            .With("duty_micros", row.DutyMicros)
            .With("duty_currency", row.DutyCurrency)
            .With("tax_micros", row.TaxMicros)
            .With("tax_currency", row.TaxCurrency)
            .With("revenue_currency", row.RevenueCurrency)
            .With("revenue_assessed_micros", row.RevenueAssessedMicros)
            .With("revenue_collected_micros", row.RevenueCollectedMicros)
            .With("ioss_number", row.IossNumber)
            .With("ioss_month", row.IossMonth)
            .With("ioss_vat_micros", row.IossVatMicros)
            .With("disposition", (short)row.Disposition)
            .With("disposition_reason", row.DispositionReason);
        foreach (var answer in change.Answers)
        {
            yield return database.Statement(InsertReferralAnswerSql)
                .With("filer_id", key.FilerId)
                .With("declaration_id", key.DeclarationId)
                .With("referral", answer.Referral)
                .With("response_micros", answer.ResponseMicros)
                .With("referral_type", (short)answer.Type);
        }
    }
}
