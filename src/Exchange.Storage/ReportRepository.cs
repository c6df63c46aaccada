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
            tax_micros, tax_currency, disposition, disposition_reason)
        VALUES (
            @filer_id, @declaration_id, @create_time, @channel, @origin_country, @complete_data, @first_decision_time,
            @first_outcome, @latest_outcome, @amended, @referral_count, @agency_hold, @duty_micros, @duty_currency,
            @tax_micros, @tax_currency, @disposition, @disposition_reason)
        ON CONFLICT (filer_id, declaration_id) DO UPDATE SET
            create_time = excluded.create_time, channel = excluded.channel, origin_country = excluded.origin_country,
            complete_data = excluded.complete_data, first_decision_time = excluded.first_decision_time,
            first_outcome = excluded.first_outcome, latest_outcome = excluded.latest_outcome,
            amended = excluded.amended, referral_count = excluded.referral_count, agency_hold = excluded.agency_hold,
            duty_micros = excluded.duty_micros, duty_currency = excluded.duty_currency,
            tax_micros = excluded.tax_micros, tax_currency = excluded.tax_currency,
            disposition = excluded.disposition, disposition_reason = excluded.disposition_reason
        """;

    private const string InsertReferralAnswerSql = """
        INSERT INTO declaration_referral_answers (filer_id, declaration_id, referral, response_micros)
        VALUES (@filer_id, @declaration_id, @referral, @response_micros)
        ON CONFLICT (filer_id, declaration_id, referral) DO NOTHING
        """;

    public async Task<IReadOnlyList<MeasureAggregate>> AggregateAsync(ReportQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        IReadOnlyList<MeasureAggregate> aggregates;
        await using (var connection = await database.OpenReaderAsync(cancellationToken))
        {
            aggregates = await database.Dialect.AggregateAsync(connection, query, GroupColumn(query.Grouping), cancellationToken);
        }
        return await WithDispositionsAsync(aggregates, query, cancellationToken);
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
            reader => (Window: WindowOf(starts, reader.GetInt64(0)), Group: reader.GetString(1), Type: (int)reader.GetInt16(2), Code: reader.GetString(3)),
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

    /// <summary>The start of the window holding <paramref name="createTime"/> (within the query's range).</summary>
    private static long WindowOf(long[] starts, long createTime)
    {
        var index = Array.BinarySearch(starts, createTime);
        return starts[index >= 0 ? index : ~index - 1];
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

    /// <summary>The stored measures of the declarations among <paramref name="keys"/> that have them, read inside the write transaction.</summary>
    internal static async Task<Dictionary<DeclarationKey, DeclarationMeasures>> ReadAsync(
        StoreDatabase database, WriteTransaction transaction, IEnumerable<DeclarationKey> keys, CancellationToken ct)
    {
        var query = database.Statement("""
                SELECT filer_id, declaration_id, create_time, channel, origin_country, complete_data, first_decision_time,
                       first_outcome, latest_outcome, amended, referral_count, agency_hold, duty_micros, duty_currency,
                       tax_micros, tax_currency, disposition, disposition_reason
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
                Disposition: (DispositionType)reader.GetInt16(16),
                DispositionReason: reader.GetString(17));
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
            .With("disposition", (short)row.Disposition)
            .With("disposition_reason", row.DispositionReason);
        foreach (var answer in change.Answers)
        {
            yield return database.Statement(InsertReferralAnswerSql)
                .With("filer_id", key.FilerId)
                .With("declaration_id", key.DeclarationId)
                .With("referral", answer.Referral)
                .With("response_micros", answer.ResponseMicros);
        }
    }
}
