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
    /// returns the first record.
    /// </summary>
    Task<PostalArrivalWithoutData> RecordAsync(PostalArrivalWithoutData arrival, CancellationToken cancellationToken);
}

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
