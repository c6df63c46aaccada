using Exchange.Core.Storage;

namespace Exchange.Storage;

/// <summary>
/// The postal items that arrived with no advance data (<see cref="IPostalArrivalStore"/>): one row
/// per post and S10 identifier, the first report kept (INSERT ... ON CONFLICT DO NOTHING, then read
/// back), so a post that scans an item twice does not count it twice.
/// </summary>
public sealed class PostalArrivalRepository(StoreDatabase database) : IPostalArrivalStore
{
    public async Task<PostalArrivalWithoutData> RecordAsync(PostalArrivalWithoutData arrival, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(arrival);
        var insert = database.Statement("""
                    INSERT INTO postal_arrivals_without_data (filer_id, item_identifier, origin_country, arrive_time, arrival_office, record_time)
                    VALUES (@filer_id, @item_identifier, @origin_country, @arrive_time, @arrival_office, @record_time)
                    ON CONFLICT (filer_id, item_identifier) DO NOTHING
                    """)
                .With("filer_id", arrival.FilerId)
                .With("item_identifier", arrival.ItemIdentifier)
                .With("origin_country", arrival.OriginCountry)
                .With("arrive_time", arrival.ArriveTime)
                .With("arrival_office", arrival.ArrivalOffice)
                .With("record_time", arrival.RecordTime);
        await database.WriteAsync(async (transaction, ct) => (await transaction.ExecuteAsync(insert, ct), true), cancellationToken);
        var stored = await database.QueryAsync(
            database.Statement("""
                    SELECT filer_id, item_identifier, origin_country, arrive_time, arrival_office, record_time
                    FROM postal_arrivals_without_data WHERE filer_id = @filer_id AND item_identifier = @item_identifier
                    """)
                .With("filer_id", arrival.FilerId)
                .With("item_identifier", arrival.ItemIdentifier),
            reader => new PostalArrivalWithoutData(
                reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetInt64(3), reader.GetString(4), reader.GetInt64(5)),
            cancellationToken);
        return stored[0];
    }
}
