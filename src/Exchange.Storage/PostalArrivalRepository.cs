using Exchange.Core.Storage;

namespace Exchange.Storage;

/// <summary>
/// The postal items that arrived with no advance data (<see cref="IPostalArrivalStore"/>): one row
/// per post and S10 identifier, the first report kept (INSERT ... ON CONFLICT DO NOTHING, then read
/// back), so a post that scans an item twice does not count it twice. A report with a request id
/// also keeps a row per post and request id naming the item (postal_arrival_requests), written in
/// the same transaction, so a retry is answered from it whatever was filed since.
/// </summary>
public sealed class PostalArrivalRepository(StoreDatabase database) : IPostalArrivalStore
{
    private const string Columns = "a.filer_id, a.item_identifier, a.origin_country, a.arrive_time, a.arrival_office, a.record_time";

    public async Task<PostalArrivalAnswer> RecordAsync(PostalArrivalWithoutData arrival, PostalArrivalRequest? request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(arrival);
        var statements = new List<Statement>
        {
            database.Statement("""
                    INSERT INTO postal_arrivals_without_data (filer_id, item_identifier, origin_country, arrive_time, arrival_office, record_time)
                    VALUES (@filer_id, @item_identifier, @origin_country, @arrive_time, @arrival_office, @record_time)
                    ON CONFLICT (filer_id, item_identifier) DO NOTHING
                    """)
                .With("filer_id", arrival.FilerId)
                .With("item_identifier", arrival.ItemIdentifier)
                .With("origin_country", arrival.OriginCountry)
                .With("arrive_time", arrival.ArriveTime)
                .With("arrival_office", arrival.ArrivalOffice)
                .With("record_time", arrival.RecordTime),
        };
        if (request is not null)
        {
            // A racing request with the same id came first: its row stays, and the caller compares hashes.
            statements.Add(database.Statement("""
                    INSERT INTO postal_arrival_requests (filer_id, request_id, request_hash, item_identifier)
                    VALUES (@filer_id, @request_id, @request_hash, @item_identifier)
                    ON CONFLICT (filer_id, request_id) DO NOTHING
                    """)
                .With("filer_id", arrival.FilerId)
                .With("request_id", request.RequestId)
                .With("request_hash", request.RequestHash)
                .With("item_identifier", arrival.ItemIdentifier));
        }
        await database.WriteAsync(async (transaction, ct) =>
        {
            await transaction.ExecuteAsync(statements, ct);
            return (true, true);
        }, cancellationToken);
        if (request is not null && await FindRequestAsync(arrival.FilerId, request.RequestId, cancellationToken) is { } answered)
        {
            return answered;
        }
        var stored = await database.QueryAsync(
            database.Statement($"""
                    SELECT {Columns}
                    FROM postal_arrivals_without_data a WHERE a.filer_id = @filer_id AND a.item_identifier = @item_identifier
                    """)
                .With("filer_id", arrival.FilerId)
                .With("item_identifier", arrival.ItemIdentifier),
            ReadArrival,
            cancellationToken);
        return new PostalArrivalAnswer(stored[0], null);
    }

    public async Task<PostalArrivalAnswer?> FindRequestAsync(string filerId, string requestId, CancellationToken cancellationToken)
    {
        var found = await database.QueryAsync(
            database.Statement($"""
                    SELECT {Columns}, r.request_hash
                    FROM postal_arrival_requests r
                    JOIN postal_arrivals_without_data a ON a.filer_id = r.filer_id AND a.item_identifier = r.item_identifier
                    WHERE r.filer_id = @filer_id AND r.request_id = @request_id
                    """)
                .With("filer_id", filerId)
                .With("request_id", requestId),
            reader => new PostalArrivalAnswer(ReadArrival(reader), reader.GetFieldValue<byte[]>(6)),
            cancellationToken);
        return found.Count == 0 ? null : found[0];
    }

    private static PostalArrivalWithoutData ReadArrival(System.Data.Common.DbDataReader reader) => new(
        reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetInt64(3), reader.GetString(4), reader.GetInt64(5));
}
