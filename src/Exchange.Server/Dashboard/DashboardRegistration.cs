using Microsoft.Net.Http.Headers;

namespace Exchange.Server.Dashboard;

/// <summary>
/// Serves the performance dashboard: GET /dashboard is the page, GET /dashboard/assets/{file} its
/// script, style sheet and icon. The page reads GET /v1/reports/performance (the JSON mapping of
/// exchange.reporting.v1.ReportingService) in the officer's browser; browsers reach both on the
/// node's HTTP/1.1 endpoint. Everything comes from this node: the Content-Security-Policy lets the
/// page load nothing from anywhere else.
/// </summary>
public static class DashboardRegistration
{
    public const string PagePath = "/dashboard";
    public const string AssetsPath = "/dashboard/assets";
    public const string PageAsset = "dashboard.html";

    /// <summary>Only this origin's own script, styles, icon and API; no inline script, no framing.</summary>
    public const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
        + "base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    public static WebApplication MapExchangeDashboard(this WebApplication app)
    {
        var assets = DashboardAssets.Load(typeof(DashboardRegistration).Assembly);
        if (assets.Find(PageAsset) is null)
        {
            throw new InvalidOperationException($"The dashboard page ({DashboardAssets.ResourcePrefix}{PageAsset}) is not embedded in the node.");
        }
        app.MapGet(PagePath, (HttpContext context) => Serve(context, assets.Find(PageAsset)!))
            .WithName("Dashboard")
            .ExcludeFromDescription()
            .AllowAnonymous(); // the page holds no data: it calls the JSON API, which authorizes each call

        app.MapGet(AssetsPath + "/{file}", (HttpContext context, string file) =>
                assets.Find(file) is { } asset && file != PageAsset ? Serve(context, asset) : Results.NotFound())
            .ExcludeFromDescription()
            .AllowAnonymous();
        return app;
    }

    private static IResult Serve(HttpContext context, DashboardAssets.Asset asset)
    {
        var headers = context.Response.Headers;
        headers[HeaderNames.ETag] = asset.ETag;
        // Revalidated on every load: a node upgrade shows its own page, never a cached older one.
        headers[HeaderNames.CacheControl] = "no-cache";
        headers[HeaderNames.XContentTypeOptions] = "nosniff";
        headers["Referrer-Policy"] = "no-referrer";
        headers[HeaderNames.ContentSecurityPolicy] = ContentSecurityPolicy;
        if (context.Request.Headers.IfNoneMatch.Any(tag => tag is not null && tag.Split(',').Any(t => t.Trim() == asset.ETag)))
        {
            return Results.StatusCode(StatusCodes.Status304NotModified);
        }
        return Results.Bytes(asset.Content, asset.ContentType);
    }
}
