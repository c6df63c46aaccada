using System.Buffers.Binary;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Exchange.Core.Errors;
using Exchange.Core.Storage;

namespace Exchange.Core.Declarations;

/// <summary>
/// Opaque list page tokens (AIP-158). A token carries the position after the last declaration
/// of the page (keyset pagination, so pages stay correct while new declarations arrive) and a
/// fingerprint of the filters, so a token replayed with other filters is refused instead of
/// silently returning a wrong page.
/// </summary>
internal static class PageTokens
{
    private const byte Version = 1;

    public static string Issue(ListPosition after, string filterFingerprint)
    {
        var id = Encoding.UTF8.GetBytes(after.DeclarationId);
        var fingerprint = Convert.FromHexString(filterFingerprint);
        var bytes = new byte[1 + 8 + fingerprint.Length + id.Length];
        bytes[0] = Version;
        BinaryPrimitives.WriteInt64BigEndian(bytes.AsSpan(1), Timestamps.ToUnixMicroseconds(after.CreateTime));
        fingerprint.CopyTo(bytes, 9);
        id.CopyTo(bytes, 9 + fingerprint.Length);
        return Base64Url.EncodeToString(bytes);
    }

    public static ListPosition Read(string token, string filterFingerprint)
    {
        var fingerprint = Convert.FromHexString(filterFingerprint);
        byte[] bytes;
        try
        {
            bytes = Base64Url.DecodeFromChars(token);
        }
        catch (FormatException)
        {
            throw new InvalidPageTokenException();
        }
        if (bytes.Length <= 9 + fingerprint.Length || bytes[0] != Version
            || !bytes.AsSpan(9, fingerprint.Length).SequenceEqual(fingerprint))
        {
            throw new InvalidPageTokenException();
        }
        var micros = BinaryPrimitives.ReadInt64BigEndian(bytes.AsSpan(1));
        var id = Encoding.UTF8.GetString(bytes.AsSpan(9 + fingerprint.Length));
        if (!Identity.ResourceNames.IsValidId(id) || !Timestamps.TryFromUnixMicroseconds(micros, out var createTime))
        {
            throw new InvalidPageTokenException();
        }
        return new ListPosition(createTime, id);
    }

    /// <summary>A short hash of everything that selects rows (not the page size, which may change between pages).</summary>
    public static string Fingerprint(DeclarationQuery query)
    {
        var text = string.Join('|', query.FilerId, query.Status?.ToString() ?? "",
            query.CreatedAtOrAfter?.UtcTicks.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "",
            query.CreatedBefore?.UtcTicks.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "",
            query.Reference ?? "");
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text)), 0, 8);
    }
}
