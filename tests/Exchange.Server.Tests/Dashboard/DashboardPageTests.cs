using System.Net;
using System.Text.RegularExpressions;
using Exchange.Server.Dashboard;
using Exchange.Testing.Hosting;

namespace Exchange.Server.Tests.Dashboard;

/// <summary>The dashboard page and its assets as the node serves them (in memory, no browser).</summary>
public sealed partial class DashboardPageTests : IDisposable
{
    private readonly ExchangeNode _node = new();

    public void Dispose() => _node.Dispose();

    [Fact]
    public async Task The_page_is_HTML_with_the_controls_figures_table_and_live_regions()
    {
        var response = await _node.CreateClient().GetAsync("/dashboard");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("utf-8", response.Content.Headers.ContentType?.CharSet);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("<body data-state=\"loading\">", html);
        foreach (var control in new[] { "officer", "period", "from", "to", "group-by" })
        {
            Assert.Contains($"<label for=\"{control}\">", html);
            Assert.Matches($"<(input|select) id=\"{control}\"", html);
        }
        Assert.Contains("<dl id=\"key-figures\"", html);
        Assert.Contains("<table id=\"targets\"", html);
        Assert.Contains("<th scope=\"col\">Baseline</th>", html);
        Assert.Contains("role=\"status\" aria-live=\"polite\"", html);
        Assert.Contains("role=\"alert\"", html);
        foreach (var chart in new[] { "chart-received", "chart-release-rate", "chart-decision-time" })
        {
            Assert.Contains($"id=\"{chart}\"", html);
        }
        Assert.Equal(DashboardRegistration.ContentSecurityPolicy, response.Headers.GetValues("Content-Security-Policy").Single());
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
    }

    [Fact]
    public async Task Every_asset_the_page_references_is_served_by_the_node_itself()
    {
        var http = _node.CreateClient();
        var html = await http.GetStringAsync("/dashboard");

        var references = Reference().Matches(html).Select(m => m.Groups[1].Value).ToList();

        Assert.Equal(3, references.Count); // script, style sheet, icon
        Assert.All(references, reference => Assert.StartsWith("/dashboard/assets/", reference)); // nothing from elsewhere
        var types = new Dictionary<string, string>();
        foreach (var reference in references)
        {
            var asset = await http.GetAsync(reference);
            Assert.Equal(HttpStatusCode.OK, asset.StatusCode);
            Assert.True(asset.Content.Headers.ContentLength > 0, reference);
            types[Path.GetExtension(reference)] = asset.Content.Headers.ContentType!.MediaType!;
        }
        Assert.Equal("text/javascript", types[".js"]);
        Assert.Equal("text/css", types[".css"]);
        Assert.Equal("image/svg+xml", types[".svg"]);
        Assert.Contains("data-state", await http.GetStringAsync("/dashboard/assets/dashboard.js"));
    }

    [Fact]
    public async Task Unknown_assets_are_not_found_and_unchanged_ones_are_not_sent_again()
    {
        var http = _node.CreateClient();

        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("/dashboard/assets/missing.js")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("/dashboard/assets/dashboard.html")).StatusCode);
        var first = await http.GetAsync("/dashboard/assets/dashboard.css");
        var etag = first.Headers.ETag!;
        using var again = new HttpRequestMessage(HttpMethod.Get, "/dashboard/assets/dashboard.css");
        again.Headers.IfNoneMatch.Add(etag);
        Assert.Equal(HttpStatusCode.NotModified, (await http.SendAsync(again)).StatusCode);
        Assert.Equal("no-cache", first.Headers.CacheControl?.ToString());
    }

    [Fact]
    public void The_assets_are_embedded_in_the_node_assembly()
    {
        var names = typeof(DashboardRegistration).Assembly.GetManifestResourceNames();

        foreach (var asset in new[] { "dashboard.html", "dashboard.js", "dashboard.css", "favicon.svg" })
        {
            Assert.Contains(DashboardAssets.ResourcePrefix + asset, names);
        }
    }

    [GeneratedRegex("(?:src|href)=\"([^\"#]+)\"")]
    private static partial Regex Reference();
}
