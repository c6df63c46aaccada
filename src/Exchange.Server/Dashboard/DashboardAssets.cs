using System.Collections.Frozen;
using System.Reflection;
using System.Security.Cryptography;

namespace Exchange.Server.Dashboard;

/// <summary>
/// The dashboard's page and assets (Dashboard/Assets/*), embedded in this assembly so the node
/// serves them wherever it is started from and needs no files beside it or anything from a CDN.
/// </summary>
internal sealed class DashboardAssets
{
    /// <summary>The manifest name prefix the project file gives every asset.</summary>
    public const string ResourcePrefix = "Exchange.Server.Dashboard.Assets.";

    private static readonly Dictionary<string, string> ContentTypes = new(StringComparer.OrdinalIgnoreCase)
    {
        [".html"] = "text/html; charset=utf-8",
        [".js"] = "text/javascript; charset=utf-8",
        [".css"] = "text/css; charset=utf-8",
        [".svg"] = "image/svg+xml",
    };

    private readonly FrozenDictionary<string, Asset> _assets;

    private DashboardAssets(FrozenDictionary<string, Asset> assets) => _assets = assets;

    /// <summary>One asset: its bytes, content type and a strong entity tag (hash of the bytes).</summary>
    public sealed record Asset(string Name, byte[] Content, string ContentType, string ETag);

    /// <summary>Reads every embedded asset of <paramref name="assembly"/> once.</summary>
    public static DashboardAssets Load(Assembly assembly)
    {
        var assets = new Dictionary<string, Asset>(StringComparer.Ordinal);
        foreach (var resource in assembly.GetManifestResourceNames().Where(r => r.StartsWith(ResourcePrefix, StringComparison.Ordinal)))
        {
            var name = resource[ResourcePrefix.Length..];
            if (!ContentTypes.TryGetValue(Path.GetExtension(name), out var contentType))
            {
                continue;
            }
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            var content = buffer.ToArray();
            var etag = $"\"{Convert.ToHexStringLower(SHA256.HashData(content))[..16]}\"";
            assets[name] = new Asset(name, content, contentType, etag);
        }
        return new DashboardAssets(assets.ToFrozenDictionary(StringComparer.Ordinal));
    }

    public IEnumerable<string> Names => _assets.Keys;

    public Asset? Find(string name) => _assets.GetValueOrDefault(name);
}
