using System.Net;

namespace Exchange.Server.Hosting;

/// <summary>
/// The development identity scheme believes whatever filer a caller names, so a node using it
/// must only be reachable from its own machine. Start-up refuses any endpoint that is not on a
/// loopback address unless the operator has said, explicitly, that this is what they want.
/// </summary>
public static class DevelopmentModeGuard
{
    public static void Check(IConfiguration configuration, AuthenticationOptions authentication)
    {
        if (authentication.Mode != AuthenticationOptions.DevelopmentMode || authentication.AllowDevelopmentModeOffLoopback)
        {
            return;
        }
        foreach (var endpoint in configuration.GetSection("Kestrel:Endpoints").GetChildren())
        {
            var url = endpoint["Url"];
            if (url is not null && !IsLoopback(url))
            {
                throw new InvalidOperationException(
                    $"Kestrel endpoint '{endpoint.Key}' listens on {url}, but Exchange:Authentication:Mode is 'Development', " +
                    "which lets any caller act as any filer. Bind to 127.0.0.1, or set " +
                    "Exchange:Authentication:AllowDevelopmentModeOffLoopback=true if you really mean it.");
            }
        }
    }

    private static bool IsLoopback(string url)
    {
        // Kestrel accepts wildcard hosts ("http://*:5080", "http://+:5080") that Uri cannot parse.
        if (!Uri.TryCreate(url.Replace("://*", "://wildcard", StringComparison.Ordinal).Replace("://+", "://wildcard", StringComparison.Ordinal),
                UriKind.Absolute, out var uri))
        {
            return false;
        }
        return uri.IsLoopback || (IPAddress.TryParse(uri.Host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address));
    }
}
