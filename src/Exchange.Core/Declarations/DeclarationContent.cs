using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using Exchange.Contracts.Declaration.V1;
using Google.Protobuf;

namespace Exchange.Core.Declarations;

/// <summary>
/// The filer-supplied part of a declaration: what a filer sends, without the fields the server
/// owns (AIP-203: output-only fields in a request are ignored).
/// </summary>
internal static class DeclarationContent
{
    /// <summary>
    /// The goods' own reference in a referral or notice: the item's S10 identifier for postal
    /// items, else the house waybill; empty when the declaration has neither.
    /// </summary>
    public static string ItemReference(Declaration declaration) =>
        declaration.TransportDocument?.ItemIdentifier is { Length: > 0 } s10 ? s10
        : declaration.TransportDocument?.HouseWaybill ?? "";

    public static Declaration FilerSupplied(Declaration declaration)
    {
        var content = declaration.Clone();
        content.Name = "";
        content.CustomsReference = "";
        content.Status = DeclarationStatus.Unspecified;
        content.Revision = 0;
        content.Etag = "";
        content.CreateTime = null;
        content.UpdateTime = null;
        content.Decision = null;
        content.Referrals.Clear();
        content.AgencyHolds.Clear();
        content.AgencyRequests.Clear();
        content.DutyEstimate = null;
        content.DutyAssessment = null;
        content.SharingOrigin = null;
        content.PartnerDecisions.Clear();
        content.SecurityAssessment = null;
        content.Clearance = null;
        content.MasterConsignment = null;
        content.Disposition = null;
        return content;
    }

    /// <summary>
    /// The declaration after an amendment: the new filer-supplied <paramref name="content"/> with
    /// what the node owns kept from <paramref name="current"/>: identity, status, times, and the
    /// enforcement and partner output (an amendment replaces what was filed, not what was decided).
    /// A declaration whose assessment was complete goes back to ACCEPTED: the amended data is
    /// analysed again (ICS2 risk-analyses an amended ENS anew).
    /// </summary>
    public static Declaration Amended(Declaration current, Declaration content)
    {
        var amended = content.Clone();
        amended.Name = current.Name;
        amended.CustomsReference = current.CustomsReference;
        amended.Status = current.Status == DeclarationStatus.Assessed ? DeclarationStatus.Accepted : current.Status;
        amended.CreateTime = current.CreateTime;
        amended.Decision = current.Decision;
        amended.Referrals.AddRange(current.Referrals);
        amended.AgencyHolds.AddRange(current.AgencyHolds);
        amended.AgencyRequests.AddRange(current.AgencyRequests);
        amended.DutyEstimate = current.DutyEstimate;
        amended.DutyAssessment = current.DutyAssessment;
        amended.SharingOrigin = current.SharingOrigin;
        amended.PartnerDecisions.AddRange(current.PartnerDecisions);
        amended.SecurityAssessment = current.SecurityAssessment?.Clone();
        if (amended.Status == DeclarationStatus.Accepted && amended.SecurityAssessment is { } reopened)
        {
            reopened.CompleteTime = null; // analysed again: a new completion time comes with the new analysis
        }
        amended.Clearance = current.Clearance?.Clone();
        amended.Disposition = current.Disposition?.Clone(); // none in practice: a disposition is final
        return amended;
    }

    /// <summary>
    /// The fingerprint that tells a retry (same hash) from a reused request id (other hash). The
    /// operation is part of it so one request id cannot stand for two kinds of change. Protobuf
    /// serialization in C# writes fields in number order, so equal messages hash equally.
    /// </summary>
    public static byte[] RequestHash(string operation, params IMessage?[] parts) =>
        RequestHash(operation, "", parts);

    public static byte[] RequestHash(string operation, string extra, params IMessage?[] parts)
    {
        // SHA-256 of the header line and the parts' bytes, one after the other, hashed in one
        // call over one pooled buffer: an incremental hash costs OpenSSL a context per request.
        var header = operation + "\n" + extra + "\n";
        var headerBytes = Encoding.UTF8.GetByteCount(header);
        var length = headerBytes;
        var sizes = new int[parts.Length];
        for (var i = 0; i < parts.Length; i++)
        {
            sizes[i] = parts[i]?.CalculateSize() ?? 0;
            length += sizes[i];
        }
        var buffer = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            var offset = Encoding.UTF8.GetBytes(header, buffer);
            for (var i = 0; i < parts.Length; i++)
            {
                parts[i]?.WriteTo(buffer.AsSpan(offset, sizes[i]));
                offset += sizes[i];
            }
            return SHA256.HashData(buffer.AsSpan(0, length));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>An opaque etag that changes with every revision.</summary>
    public static string Etag(string name, long revision)
    {
        var digest = SHA256.HashData(Encoding.UTF8.GetBytes($"{name}#{revision}"));
        return Convert.ToHexStringLower(digest, 0, 8);
    }
}
