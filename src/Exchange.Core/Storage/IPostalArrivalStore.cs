namespace Exchange.Core.Storage;

/// <summary>
/// Postal items that arrived with no advance electronic data: an arrival reported by item
/// identifier (S10) that none of the reporting post's declarations carries. The US STOP Act
/// requires advance data for every inbound postal item (docs/reporting.md); the performance report
/// counts these against the postal declarations received.
/// </summary>
public interface IPostalArrivalStore
{
    /// <summary>
    /// Records the arrival, once per filer and item identifier: a repeat changes nothing and
    /// returns the first record. With <paramref name="request"/>, the answer is also kept under the
    /// post's request id in the same transaction (a retry finds it with <see cref="FindRequestAsync"/>);
    /// the hash returned is the one kept under that id, another request's when it came first.
    /// </summary>
    Task<PostalArrivalAnswer> RecordAsync(PostalArrivalWithoutData arrival, PostalArrivalRequest? request, CancellationToken cancellationToken);

    /// <summary>The arrival without advance data answered under the post's request id, or null.</summary>
    Task<PostalArrivalAnswer?> FindRequestAsync(string filerId, string requestId, CancellationToken cancellationToken);
}

/// <summary>A post's request id (AIP-155) and the hash of the request's content, kept with its answer.</summary>
public sealed record PostalArrivalRequest(string RequestId, byte[] RequestHash);

/// <summary>
/// The answer to an item arrival with no advance data: the item's first record and, when the
/// answer is kept under a request id, the hash of the request it answered.
/// </summary>
public sealed record PostalArrivalAnswer(PostalArrivalWithoutData Arrival, byte[]? RequestHash);

/// <summary>
/// One item that arrived with no advance data. Times are Unix microseconds (UTC).
/// </summary>
/// <param name="FilerId">The post that reported it.</param>
/// <param name="ItemIdentifier">The S10 item identifier.</param>
/// <param name="OriginCountry">The issuing post's country: the last two letters of the S10 identifier.</param>
/// <param name="ArriveTime">When the item arrived, as reported.</param>
/// <param name="ArrivalOffice">Where, as reported ("" when not given).</param>
/// <param name="RecordTime">When the node first recorded it.</param>
public sealed record PostalArrivalWithoutData(
    string FilerId, string ItemIdentifier, string OriginCountry, long ArriveTime, string ArrivalOffice, long RecordTime);
