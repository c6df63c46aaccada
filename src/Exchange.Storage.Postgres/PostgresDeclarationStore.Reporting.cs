using System.Globalization;
using Exchange.Contracts.Declaration.V1;
using Exchange.Core.Identity;
using Exchange.Core.Reporting;
using Exchange.Core.Storage;
using Npgsql;

namespace Exchange.Storage.Postgres;

/// <summary>
/// The performance report's side of the store: the measures row written with each declaration
/// write (in its transaction's batch) and the aggregate queries of <see cref="IReportStore"/>,
/// sent together in one round trip. Percentiles are percentile_cont (linear interpolation).
/// </summary>
public sealed partial class PostgresDeclarationStore
{
    private const string UpsertMeasuresSql = """
        INSERT INTO declaration_measures (
            filer_id, declaration_id, create_time, channel, origin_country, complete_data, first_decision_time,
            first_outcome, latest_outcome, amended, referral_count, agency_hold, duty_micros, duty_currency,
            tax_micros, tax_currency)
        VALUES (
            @filer_id, @declaration_id, @create_time, @channel, @origin_country, @complete_data, @first_decision_time,
            @first_outcome, @latest_outcome, @amended, @referral_count, @agency_hold, @duty_micros, @duty_currency,
            @tax_micros, @tax_currency)
        ON CONFLICT (filer_id, declaration_id) DO UPDATE SET
            create_time = excluded.create_time, channel = excluded.channel, origin_country = excluded.origin_country,
            complete_data = excluded.complete_data, first_decision_time = excluded.first_decision_time,
            first_outcome = excluded.first_outcome, latest_outcome = excluded.latest_outcome,
            amended = excluded.amended, referral_count = excluded.referral_count, agency_hold = excluded.agency_hold,
            duty_micros = excluded.duty_micros, duty_currency = excluded.duty_currency,
            tax_micros = excluded.tax_micros, tax_currency = excluded.tax_currency
        """;

    /// <summary>Each window's measures rows: the windows drive the query, each one a range of the create-time index.</summary>
    private const string WindowsJoin = """
        FROM unnest(@window_starts, @window_ends) AS w (window_start, window_end)
        JOIN declaration_measures AS m ON m.create_time >= w.window_start AND m.create_time < w.window_end
        """;

    /// <summary>REJECT, SEIZE and RETURN_TO_SENDER: the outcomes the report counts as refusals.</summary>
    private static readonly string RefusedOutcomes = string.Join(", ",
        new[] { DecisionOutcome.Reject, DecisionOutcome.Seize, DecisionOutcome.ReturnToSender }
            .Select(o => ((int)o).ToString(CultureInfo.InvariantCulture)));

    public async Task<IReadOnlyList<MeasureAggregate>> AggregateAsync(ReportQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var windows = query.Windows();
        var starts = windows.Select(w => w.Start).ToArray();
        var ends = windows.Select(w => w.End).ToArray();
        var group = GroupColumn(query.Grouping);

        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var batch = new NpgsqlBatch(connection);
        NpgsqlBatchCommand Query(string sql)
        {
            var command = new NpgsqlBatchCommand(sql);
            command.Parameters.Add(Parameter("window_starts", starts));
            command.Parameters.Add(Parameter("window_ends", ends));
            batch.BatchCommands.Add(command);
            return command;
        }
        Query($"""
            SELECT w.window_start, {group} AS report_group, m.duty_currency, m.tax_currency,
                count(*), count(m.complete_data), count(*) FILTER (WHERE m.complete_data), count(m.first_decision_time),
                count(*) FILTER (WHERE m.latest_outcome = {(int)DecisionOutcome.Release}),
                count(*) FILTER (WHERE m.first_outcome = {(int)DecisionOutcome.Hold}),
                count(*) FILTER (WHERE m.latest_outcome IN ({RefusedOutcomes})),
                count(*) FILTER (WHERE m.agency_hold),
                count(*) FILTER (WHERE m.referral_count = 0 AND NOT m.amended),
                coalesce(sum(m.duty_micros), 0)::bigint, coalesce(sum(m.tax_micros), 0)::bigint
            {WindowsJoin}
            GROUP BY 1, 2, 3, 4
            """);
        Query($"""
            SELECT w.window_start, {group} AS report_group,
                percentile_cont(0.5) WITHIN GROUP (ORDER BY m.first_decision_time - m.create_time),
                percentile_cont(0.9) WITHIN GROUP (ORDER BY m.first_decision_time - m.create_time)
            {WindowsJoin}
            WHERE m.first_decision_time IS NOT NULL
            GROUP BY 1, 2
            """);
        Query($"""
            SELECT w.window_start, {group} AS report_group, count(*),
                percentile_cont(0.5) WITHIN GROUP (ORDER BY a.response_micros)
            {WindowsJoin}
            JOIN declaration_referral_answers AS a ON a.filer_id = m.filer_id AND a.declaration_id = m.declaration_id
            GROUP BY 1, 2
            """);

        var aggregates = new ReportAggregates();
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            aggregates.AddCounts(reader.GetInt64(0), reader.GetString(1),
                new ReportAggregates.Counts(
                    reader.GetInt64(4), reader.GetInt64(5), reader.GetInt64(6), reader.GetInt64(7), reader.GetInt64(8),
                    reader.GetInt64(9), reader.GetInt64(10), reader.GetInt64(11), reader.GetInt64(12)),
                reader.GetString(2), reader.GetInt64(13), reader.GetString(3), reader.GetInt64(14));
        }
        await reader.NextResultAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            aggregates.SetDecisionTimes(reader.GetInt64(0), reader.GetString(1), reader.GetDouble(2), reader.GetDouble(3));
        }
        await reader.NextResultAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            aggregates.SetReferralTimes(reader.GetInt64(0), reader.GetString(1), reader.GetInt64(2), reader.GetDouble(3));
        }
        return aggregates.Build();
    }

    public async Task<long?> GetFirstCreateTimeAsync(CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand("SELECT min(create_time) FROM declaration_measures");
        return await command.ExecuteScalarAsync(cancellationToken) is long first ? first : null;
    }

    private static string GroupColumn(ReportGrouping grouping) => grouping switch
    {
        ReportGrouping.None => "''::text",
        ReportGrouping.Channel => "m.channel",
        ReportGrouping.OriginCountry => "m.origin_country",
        ReportGrouping.Filer => "m.filer_id",
        _ => throw new ArgumentOutOfRangeException(nameof(grouping), grouping, "Not a report grouping."),
    };

    /// <summary>The stored measures of the declarations among <paramref name="keys"/> that have them, read inside the write transaction.</summary>
    private static async Task<Dictionary<DeclarationKey, DeclarationMeasures>> ReadMeasuresAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, IEnumerable<DeclarationKey> keys, CancellationToken ct)
    {
        var wanted = keys.Distinct().ToArray();
        await using var command = new NpgsqlCommand("""
            SELECT filer_id, declaration_id, create_time, channel, origin_country, complete_data, first_decision_time,
                   first_outcome, latest_outcome, amended, referral_count, agency_hold, duty_micros, duty_currency,
                   tax_micros, tax_currency
            FROM declaration_measures
            WHERE (filer_id, declaration_id) IN (SELECT * FROM unnest(@filer_ids, @declaration_ids))
            """, connection, transaction);
        command.Parameters.Add(Parameter("filer_ids", wanted.Select(key => key.FilerId).ToArray()));
        command.Parameters.Add(Parameter("declaration_ids", wanted.Select(key => key.DeclarationId).ToArray()));
        var measures = new Dictionary<DeclarationKey, DeclarationMeasures>();
        await using var reader = await command.ExecuteReaderAsync(ct);
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
                TaxCurrency: reader.GetString(15));
        }
        return measures;
    }

    /// <summary>Adds the upsert of the declaration's measures row, and the referral answers of the write, to <paramref name="batch"/>.</summary>
    private static void AddMeasures(NpgsqlBatch batch, DeclarationKey key, MeasuresChange change)
    {
        var row = change.Row;
        var upsert = new NpgsqlBatchCommand(UpsertMeasuresSql);
        var p = upsert.Parameters;
        p.Add(Parameter("filer_id", key.FilerId));
        p.Add(Parameter("declaration_id", key.DeclarationId));
        p.Add(Parameter("create_time", row.CreateTime));
        p.Add(Parameter("channel", row.Channel));
        p.Add(Parameter("origin_country", row.OriginCountry));
        p.Add(new NpgsqlParameter("complete_data", NpgsqlTypes.NpgsqlDbType.Boolean) { Value = (object?)row.CompleteData ?? DBNull.Value });
        p.Add(new NpgsqlParameter("first_decision_time", NpgsqlTypes.NpgsqlDbType.Bigint) { Value = (object?)row.FirstDecisionTime ?? DBNull.Value });
        p.Add(Parameter("first_outcome", (short)row.FirstOutcome));
        p.Add(Parameter("latest_outcome", (short)row.LatestOutcome));
        p.Add(Parameter("amended", row.Amended));
        p.Add(Parameter("referral_count", row.ReferralCount));
        p.Add(Parameter("agency_hold", row.AgencyHold));
        p.Add(Parameter("duty_micros", row.DutyMicros));
        p.Add(Parameter("duty_currency", row.DutyCurrency));
        p.Add(Parameter("tax_micros", row.TaxMicros));
        p.Add(Parameter("tax_currency", row.TaxCurrency));
        batch.BatchCommands.Add(upsert);

        foreach (var answer in change.Answers)
        {
            var insert = new NpgsqlBatchCommand("""
                INSERT INTO declaration_referral_answers (filer_id, declaration_id, referral, response_micros)
                VALUES (@filer_id, @declaration_id, @referral, @response_micros)
                ON CONFLICT (filer_id, declaration_id, referral) DO NOTHING
                """);
            insert.Parameters.Add(Parameter("filer_id", key.FilerId));
            insert.Parameters.Add(Parameter("declaration_id", key.DeclarationId));
            insert.Parameters.Add(Parameter("referral", answer.Referral));
            insert.Parameters.Add(Parameter("response_micros", answer.ResponseMicros));
            batch.BatchCommands.Add(insert);
        }
    }
}
