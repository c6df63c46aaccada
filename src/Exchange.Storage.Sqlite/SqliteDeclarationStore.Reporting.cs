using Exchange.Contracts.Declaration.V1;
using Exchange.Core.Identity;
using Exchange.Core.Reporting;
using Exchange.Core.Storage;
using Microsoft.Data.Sqlite;

namespace Exchange.Storage.Sqlite;

/// <summary>
/// The performance report's side of the store: the measures row written with each declaration
/// write (inside its transaction, on the writer's prepared statements) and the aggregate queries
/// of <see cref="IReportStore"/>. SQLite has no percentile_cont, and its GROUP BY and window
/// functions sort the whole range: the rows of the range are read in one sequential pass (the
/// table is clustered on create time) and counted, summed and sorted per window and group by
/// <see cref="ReportAggregates"/>, which interpolates exactly as PostgreSQL does.
/// </summary>
public sealed partial class SqliteDeclarationStore
{
    private const string ReadMeasuresSql = """
        SELECT create_time, channel, origin_country, complete_data, first_decision_time, first_outcome,
               latest_outcome, amended, referral_count, agency_hold, duty_micros, duty_currency, tax_micros, tax_currency
        FROM declaration_measures WHERE filer_id = @filer_id AND declaration_id = @declaration_id
        """;

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

    private const string InsertReferralAnswerSql = """
        INSERT INTO declaration_referral_answers (filer_id, declaration_id, referral, response_micros)
        VALUES (@filer_id, @declaration_id, @referral, @response_micros)
        ON CONFLICT (filer_id, declaration_id, referral) DO NOTHING
        """;

    public async Task<IReadOnlyList<MeasureAggregate>> AggregateAsync(ReportQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var windows = query.Windows();
        var starts = windows.Select(w => w.Start).ToArray();
        var group = GroupColumn(query.Grouping);
        var aggregates = new ReportAggregates();
        await using var connection = await OpenReaderAsync(cancellationToken);

        // One sequential pass over the range (the table is clustered on create time), each row
        // put in its window here: counting and sorting in process costs far less than SQLite's
        // GROUP BY (a temporary B-tree) and window functions (a sort of the whole range).
        await using (var rows = connection.CreateCommand())
        {
            rows.CommandText = $"""
                SELECT m.create_time, {group}, m.complete_data, m.first_decision_time - m.create_time, m.first_outcome,
                    m.latest_outcome, m.amended, m.referral_count, m.agency_hold, m.duty_currency, m.duty_micros,
                    m.tax_currency, m.tax_micros
                FROM declaration_measures AS m
                WHERE m.create_time >= @start AND m.create_time < @end
                """;
            rows.Parameters.AddWithValue("@start", starts[0]);
            rows.Parameters.AddWithValue("@end", query.End);
            await using var reader = await rows.ExecuteReaderAsync(cancellationToken);
            // Read, not ReadAsync: SQLite reads synchronously anyway, and a task per row costs more than the row.
            while (reader.Read())
            {
                aggregates.AddDeclaration(
                    WindowOf(starts, reader.GetInt64(0)), reader.GetString(1),
                    reader.IsDBNull(2) ? null : reader.GetInt64(2) == 1,
                    reader.IsDBNull(3) ? null : reader.GetInt64(3),
                    reader.GetInt32(4), reader.GetInt32(5), reader.GetInt64(6) == 1, reader.GetInt32(7), reader.GetInt64(8) == 1,
                    reader.GetString(9), reader.GetInt64(10), reader.GetString(11), reader.GetInt64(12));
            }
        }

        // The answered referrals are few: each finds its declaration's row by the unique index.
        await using (var answers = connection.CreateCommand())
        {
            answers.CommandText = $"""
                SELECT m.create_time, {group}, a.response_micros
                FROM declaration_referral_answers AS a
                CROSS JOIN declaration_measures AS m ON m.filer_id = a.filer_id AND m.declaration_id = a.declaration_id
                WHERE m.create_time >= @start AND m.create_time < @end
                """;
            answers.Parameters.AddWithValue("@start", starts[0]);
            answers.Parameters.AddWithValue("@end", query.End);
            await using var reader = await answers.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                aggregates.AddReferralAnswer(WindowOf(starts, reader.GetInt64(0)), reader.GetString(1), reader.GetInt64(2));
            }
        }
        return aggregates.Build();
    }

    /// <summary>The start of the window holding <paramref name="createTime"/> (within the query's range).</summary>
    private static long WindowOf(long[] starts, long createTime)
    {
        var index = Array.BinarySearch(starts, createTime);
        return starts[index >= 0 ? index : ~index - 1];
    }

    public async Task<long?> GetFirstCreateTimeAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenReaderAsync(cancellationToken);
        await using var command = Command(connection, "SELECT MIN(create_time) FROM declaration_measures");
        return await command.ExecuteScalarAsync(cancellationToken) is long first ? first : null;
    }

    private static string GroupColumn(ReportGrouping grouping) => grouping switch
    {
        ReportGrouping.None => "''",
        ReportGrouping.Channel => "m.channel",
        ReportGrouping.OriginCountry => "m.origin_country",
        ReportGrouping.Filer => "m.filer_id",
        _ => throw new ArgumentOutOfRangeException(nameof(grouping), grouping, "Not a report grouping."),
    };

    /// <summary>The stored measures of a declaration, read inside the write transaction; null when it has none.</summary>
    private async Task<DeclarationMeasures?> ReadMeasuresAsync(SqliteTransaction transaction, DeclarationKey key, CancellationToken ct)
    {
        var read = Command(transaction, ReadMeasuresSql);
        read.Parameters.AddWithValue("@filer_id", key.FilerId);
        read.Parameters.AddWithValue("@declaration_id", key.DeclarationId);
        await using var reader = await read.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct))
        {
            return null;
        }
        return new DeclarationMeasures(
            FilerId: key.FilerId,
            CreateTime: reader.GetInt64(0),
            Channel: reader.GetString(1),
            OriginCountry: reader.GetString(2),
            CompleteData: reader.IsDBNull(3) ? null : reader.GetInt64(3) == 1,
            FirstDecisionTime: reader.IsDBNull(4) ? null : reader.GetInt64(4),
            FirstOutcome: (DecisionOutcome)reader.GetInt32(5),
            LatestOutcome: (DecisionOutcome)reader.GetInt32(6),
            Amended: reader.GetInt64(7) == 1,
            ReferralCount: reader.GetInt32(8),
            AgencyHold: reader.GetInt64(9) == 1,
            DutyMicros: reader.GetInt64(10),
            DutyCurrency: reader.GetString(11),
            TaxMicros: reader.GetInt64(12),
            TaxCurrency: reader.GetString(13));
    }

    /// <summary>Writes the declaration's measures row and the referral answers of the write.</summary>
    private async Task WriteMeasuresAsync(SqliteTransaction transaction, DeclarationKey key, MeasuresChange change, CancellationToken ct)
    {
        var row = change.Row;
        var upsert = Command(transaction, UpsertMeasuresSql);
        var p = upsert.Parameters;
        p.AddWithValue("@filer_id", key.FilerId);
        p.AddWithValue("@declaration_id", key.DeclarationId);
        p.AddWithValue("@create_time", row.CreateTime);
        p.AddWithValue("@channel", row.Channel);
        p.AddWithValue("@origin_country", row.OriginCountry);
        p.AddWithValue("@complete_data", row.CompleteData is { } complete ? (complete ? 1 : 0) : DBNull.Value);
        p.AddWithValue("@first_decision_time", (object?)row.FirstDecisionTime ?? DBNull.Value);
        p.AddWithValue("@first_outcome", (int)row.FirstOutcome);
        p.AddWithValue("@latest_outcome", (int)row.LatestOutcome);
        p.AddWithValue("@amended", row.Amended ? 1 : 0);
        p.AddWithValue("@referral_count", row.ReferralCount);
        p.AddWithValue("@agency_hold", row.AgencyHold ? 1 : 0);
        p.AddWithValue("@duty_micros", row.DutyMicros);
        p.AddWithValue("@duty_currency", row.DutyCurrency);
        p.AddWithValue("@tax_micros", row.TaxMicros);
        p.AddWithValue("@tax_currency", row.TaxCurrency);
        await upsert.ExecuteNonQueryAsync(ct);

        foreach (var answer in change.Answers)
        {
            var insert = Command(transaction, InsertReferralAnswerSql);
            insert.Parameters.AddWithValue("@filer_id", key.FilerId);
            insert.Parameters.AddWithValue("@declaration_id", key.DeclarationId);
            insert.Parameters.AddWithValue("@referral", answer.Referral);
            insert.Parameters.AddWithValue("@response_micros", answer.ResponseMicros);
            await insert.ExecuteNonQueryAsync(ct);
        }
    }
}
