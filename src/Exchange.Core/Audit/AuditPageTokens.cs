using System.Buffers.Binary;
using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Exchange.Core.Errors;
using Exchange.Core.Storage;

namespace Exchange.Core.Audit;

/// <summary>
/// Opaque page tokens of ListAuditRecords (AIP-158): the sequence of the page's last record
/// (keyset pagination by sequence, so pages stay correct while records are appended) and a
/// fingerprint of the filters, so a token replayed with other filters is refused rather than
/// silently answering another query. The declarations' tokens (Declarations.PageTokens) carry
/// a (create time, id) position instead; the audit log's only order is its sequence.
/// </summary>
internal static class AuditPageTokens
{
    private const byte Version = 1;
    private const int FingerprintBytes = 8;
    private const int Length = 1 + FingerprintBytes + 8;

    public static string Issue(long lastSequence, AuditQuery query)
    {
        var bytes = new byte[Length];
        bytes[0] = Version;
        Fingerprint(query).CopyTo(bytes.AsSpan(1));
        BinaryPrimitives.WriteInt64BigEndian(bytes.AsSpan(1 + FingerprintBytes), lastSequence);
        return Base64Url.EncodeToString(bytes);
    }

    /// <summary>The sequence the next page starts before; throws <see cref="InvalidPageTokenException"/> for a token of other filters.</summary>
    public static long Read(string token, AuditQuery query)
    {
        byte[] bytes;
        try
        {
            bytes = Base64Url.DecodeFromChars(token);
        }
        catch (FormatException)
        {
            throw new InvalidPageTokenException();
        }
        if (bytes.Length != Length || bytes[0] != Version || !bytes.AsSpan(1, FingerprintBytes).SequenceEqual(Fingerprint(query)))
        {
            throw new InvalidPageTokenException();
        }
        var sequence = BinaryPrimitives.ReadInt64BigEndian(bytes.AsSpan(1 + FingerprintBytes));
        return sequence > 0 ? sequence : throw new InvalidPageTokenException();
    }

    /// <summary>
    /// A short hash of everything that selects records (not the limit, which may change between
    /// pages). The filters are printable text, so a NUL separates them unambiguously.
    /// </summary>
    private static byte[] Fingerprint(AuditQuery query)
    {
        var text = string.Join('\0',
            query.Actor is null ? "-" : "+" + query.Actor,
            query.ResourcePrefix is null ? "-" : "+" + query.ResourcePrefix,
            query.Start?.UtcTicks.ToString(CultureInfo.InvariantCulture) ?? "",
            query.End?.UtcTicks.ToString(CultureInfo.InvariantCulture) ?? "");
        return SHA256.HashData(Encoding.UTF8.GetBytes(text))[..FingerprintBytes];
    }
}
