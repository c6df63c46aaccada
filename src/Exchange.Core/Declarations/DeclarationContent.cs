using System.Buffers;
using System.Collections;
using System.Globalization;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using Exchange.Contracts.Declaration.V1;
using Google.Protobuf;
using Google.Protobuf.Reflection;

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

    // Who may change which part of a declaration message, and when (the ownership rule that lets
    // the submission path share messages instead of copying them three times):
    // - The filer-supplied part (every field declaration.proto does not mark OUTPUT_ONLY: parties,
    //   items, transport...) is never changed in place by the node once received. An amendment
    //   replaces it wholesale (Amended), it is not edited. So a record may share these sub-messages
    //   with the request it came from, and each revision with the one before it.
    // - The server-owned part (OUTPUT_ONLY: status, decision, lifecycles, referrals...) is what
    //   changes move on; a revision that is going to change gets its own deep copy of it
    //   (NextRevisionOf), so the revision it came from is never changed under its holder.
    // - A declaration a store returns, and the record a write names, belong to the workflow that
    //   made or read them: stores serialise what they write and keep no reference (IDeclarationStore).
    // Anyone who must change a filer-supplied sub-message takes a deep copy (FilerSupplied, Clone).

    /// <summary>The fields the node owns: those declaration.proto marks OUTPUT_ONLY (AIP-203), read from the contract itself.</summary>
    private static readonly FieldDescriptor[] ServerOwned = [.. Declaration.Descriptor.Fields.InFieldNumberOrder().Where(IsOutputOnly)];

    /// <summary>Every other field: what a filer supplies.</summary>
    private static readonly FieldDescriptor[] FilerOwned = [.. Declaration.Descriptor.Fields.InFieldNumberOrder().Where(f => !IsOutputOnly(f))];

    /// <summary>A deep copy of one server-owned message value, per message type (no serialisation round trip).</summary>
    private static readonly Dictionary<Type, Func<object, object>> DeepCopies = ServerOwned
        .Where(f => f.FieldType == FieldType.Message)
        .Select(f => f.MessageType.ClrType)
        .Distinct()
        .ToDictionary(t => t, DeepCopyOf);

    /// <summary>
    /// A copy of <paramref name="declaration"/> without the fields the server owns, which the
    /// caller may change freely (a deep copy).
    /// </summary>
    public static Declaration FilerSupplied(Declaration declaration)
    {
        var content = declaration.Clone();
        foreach (var field in ServerOwned)
        {
            field.Accessor.Clear(content);
        }
        return content;
    }

    /// <summary>
    /// What the filer supplied in <paramref name="declaration"/>, as a new message that shares the
    /// filer-supplied sub-messages (parties, items...) with it instead of copying them: the content
    /// of a submission, which becomes its record. Under the ownership rule above neither the node
    /// nor the record's holders change those sub-messages, so <paramref name="declaration"/> (the
    /// caller's request) is left exactly as it was: only the new message's own fields are set later.
    /// </summary>
    public static Declaration SharedFilerSupplied(Declaration declaration)
    {
        var content = new Declaration();
        foreach (var field in FilerOwned)
        {
            Share(field, declaration, content);
        }
        return content;
    }

    /// <summary>
    /// A copy of <paramref name="current"/> to become its next revision: the filer-supplied part
    /// shared with it (never changed in place), the server-owned part deep-copied (the part a
    /// change moves on), so changing the copy's status, decision, lifecycles, referrals or holds
    /// never changes <paramref name="current"/>.
    /// </summary>
    public static Declaration NextRevisionOf(Declaration current)
    {
        var next = new Declaration();
        foreach (var field in FilerOwned)
        {
            Share(field, current, next);
        }
        foreach (var field in ServerOwned)
        {
            Copy(field, current, next);
        }
        return next;
    }

    /// <summary>Whether the contract marks the field OUTPUT_ONLY (AIP-203): the node owns it, whatever a caller sends.</summary>
    internal static bool IsOutputOnly(FieldDescriptor field) =>
        field.GetOptions()?.GetExtension(Google.Api.FieldBehaviorExtensions.FieldBehavior)?.Contains(Google.Api.FieldBehavior.OutputOnly) == true;

    /// <summary>Sets the field of <paramref name="to"/> to the value of <paramref name="from"/>'s, sub-messages and list elements shared.</summary>
    private static void Share(FieldDescriptor field, Declaration from, Declaration to)
    {
        if (field.IsMap)
        {
            var target = (IDictionary)field.Accessor.GetValue(to);
            foreach (DictionaryEntry entry in (IDictionary)field.Accessor.GetValue(from))
            {
                target.Add(entry.Key, entry.Value);
            }
        }
        else if (field.IsRepeated)
        {
            var target = (IList)field.Accessor.GetValue(to);
            foreach (var element in (IList)field.Accessor.GetValue(from))
            {
                target.Add(element);
            }
        }
        else if (!field.HasPresence || field.Accessor.HasValue(from))
        {
            field.Accessor.SetValue(to, field.Accessor.GetValue(from));
        }
    }

    /// <summary>As <see cref="Share"/>, but every message value (field or list element) deep-copied.</summary>
    private static void Copy(FieldDescriptor field, Declaration from, Declaration to)
    {
        if (field.FieldType != FieldType.Message || field.IsMap)
        {
            // Scalars, strings and enums are immutable values; a server-owned map would need
            // its message values copied too (declaration.proto has none).
            Share(field, from, to);
            return;
        }
        var copy = DeepCopies[field.MessageType.ClrType];
        if (field.IsRepeated)
        {
            var target = (IList)field.Accessor.GetValue(to);
            foreach (var element in (IList)field.Accessor.GetValue(from))
            {
                target.Add(copy(element));
            }
        }
        else if (field.Accessor.GetValue(from) is { } value)
        {
            field.Accessor.SetValue(to, copy(value));
        }
    }

    private static Func<object, object> DeepCopyOf(Type messageType) =>
        typeof(DeclarationContent).GetMethod(nameof(CloneOf), BindingFlags.NonPublic | BindingFlags.Static)!
            .MakeGenericMethod(messageType)
            .CreateDelegate<Func<object, object>>();

    private static object CloneOf<T>(object message) where T : IDeepCloneable<T> => ((T)message).Clone()!;

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
        // SHA-256 of the UTF-8 text "{name}#{revision}", built on the stack (two per submission:
        // recorded, then decided); the same bytes as ever, so stored etags stay valid.
        var length = Encoding.UTF8.GetByteCount(name) + 1 + 20; // '#' and at most 20 digits of a long
        var rented = length > 512 ? ArrayPool<byte>.Shared.Rent(length) : null;
        try
        {
            Span<byte> text = rented is null ? stackalloc byte[length] : rented;
            var written = Encoding.UTF8.GetBytes(name, text);
            text[written++] = (byte)'#';
            revision.TryFormat(text[written..], out var digits, provider: CultureInfo.InvariantCulture);
            Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
            SHA256.HashData(text[..(written + digits)], digest);
            return Convert.ToHexStringLower(digest[..8]);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }
}
