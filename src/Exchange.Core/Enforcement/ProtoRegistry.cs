using System.Buffers.Text;
using System.Text;
using Exchange.Core.Errors;
using Exchange.Core.Storage;
using Google.Protobuf;

namespace Exchange.Core.Enforcement;

/// <summary>
/// One kind of protobuf resource kept in the registry store under its resource name: create
/// (client-assigned id), get, read-modify-write under optimistic concurrency, delete, and pages
/// in name order with opaque tokens.
/// </summary>
public sealed class ProtoRegistry<T>(IRegistryStore store, string kind, MessageParser<T> parser) where T : IMessage<T>
{
    private const int ReplaceAttempts = 5;

    public const int DefaultPageSize = 50;
    public const int MaxPageSize = 1000;

    public async Task CreateAsync(string name, T resource, CancellationToken cancellationToken)
    {
        if (!await store.TryInsertAsync(new RegistryRecord(kind, name, 1, resource.ToByteArray()), cancellationToken))
        {
            throw new AlreadyExistsException(name);
        }
    }

    public async Task<T?> FindAsync(string name, CancellationToken cancellationToken) =>
        await store.GetAsync(kind, name, cancellationToken) is { } record ? parser.ParseFrom(record.Payload) : default;

    public async Task<T> GetAsync(string name, CancellationToken cancellationToken) =>
        await FindAsync(name, cancellationToken) ?? throw new ResourceNotFoundException(name);

    /// <summary>Applies <paramref name="change"/> to the current resource and stores it, again on a concurrent change.</summary>
    public async Task<T> UpdateAsync(string name, Func<T, T> change, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var record = await store.GetAsync(kind, name, cancellationToken) ?? throw new ResourceNotFoundException(name);
            var next = change(parser.ParseFrom(record.Payload));
            if (await store.TryReplaceAsync(record with { Revision = record.Revision + 1, Payload = next.ToByteArray() }, record.Revision, cancellationToken))
            {
                return next;
            }
            if (attempt == ReplaceAttempts)
            {
                throw new NodeUnavailableException($"'{name}' is being changed by others; retry.");
            }
        }
    }

    public async Task DeleteAsync(string name, CancellationToken cancellationToken)
    {
        if (!await store.DeleteAsync(kind, name, cancellationToken))
        {
            throw new ResourceNotFoundException(name);
        }
    }

    /// <summary>Every resource whose name starts with the prefix (for caches of small registries).</summary>
    public async Task<IReadOnlyList<T>> AllAsync(string prefix, CancellationToken cancellationToken)
    {
        var all = new List<T>();
        string? after = null;
        while (true)
        {
            var page = await store.ListAsync(kind, prefix, after, MaxPageSize, cancellationToken);
            all.AddRange(page.Select(r => parser.ParseFrom(r.Payload)));
            if (page.Count < MaxPageSize)
            {
                return all;
            }
            after = page[^1].Id;
        }
    }

    /// <summary>A page of resources whose name starts with <paramref name="prefix"/>, in name order.</summary>
    public async Task<(IReadOnlyList<T> Items, string NextPageToken)> PageAsync(
        string prefix, int pageSize, string pageToken, CancellationToken cancellationToken)
    {
        if (pageSize < 0)
        {
            throw new ValidationFailedException([new Validation.FieldViolation("page_size", "Must not be negative.")]);
        }
        var size = pageSize == 0 ? DefaultPageSize : Math.Min(pageSize, MaxPageSize);
        var after = string.IsNullOrEmpty(pageToken) ? null : ReadToken(pageToken, prefix);
        var rows = await store.ListAsync(kind, prefix, after, size + 1, cancellationToken);
        var items = rows.Take(size).Select(r => parser.ParseFrom(r.Payload)).ToList();
        var next = rows.Count > size ? IssueToken(rows[size - 1].Id, prefix) : "";
        return (items, next);
    }

    // The token names the last id and the prefix it was issued for, so it cannot page another listing.
    private string IssueToken(string lastId, string prefix) =>
        Base64Url.EncodeToString(Encoding.UTF8.GetBytes(kind + "\n" + prefix + "\n" + lastId));

    private string ReadToken(string token, string prefix)
    {
        try
        {
            var parts = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(token)).Split('\n');
            if (parts.Length == 3 && parts[0] == kind && parts[1] == prefix && parts[2].StartsWith(prefix, StringComparison.Ordinal))
            {
                return parts[2];
            }
        }
        catch (FormatException)
        {
        }
        throw new InvalidPageTokenException();
    }
}
