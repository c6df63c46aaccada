using Exchange.Core.Telemetry;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection.Extensions;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Exchange.Server.Hosting;

/// <summary>
/// Wires metrics and traces (OpenTelemetry), documented in docs/observability.md:
/// - metrics: the node's own (<see cref="ExchangeMetrics"/>), ASP.NET Core's request metrics
///   (every gRPC and JSON call, by route, i.e. gRPC method), Kestrel's and the runtime's, served
///   for Prometheus at <c>GET /metrics</c>. Scrape it on the HTTP/1.1 endpoint (5081 by default):
///   the gRPC endpoint speaks HTTP/2 only, which a Prometheus scrape does not;
/// - traces: incoming requests, the node's own spans (<see cref="ExchangeActivities"/>) and
///   outgoing gRPC calls, with W3C trace context read from and written to the wire, so a call
///   from one node to another is one trace. Sent to an OTLP collector only when one is
///   configured (Exchange:Telemetry:OtlpEndpoint, or the standard OTEL_EXPORTER_OTLP_ENDPOINT).
/// Logs carry the current trace and span ids natively (Serilog 4 reads Activity.Current); the
/// console template in appsettings.json shows the trace id.
/// </summary>
public static class ObservabilityRegistration
{
    public const string Section = "Exchange:Telemetry";

    /// <summary>Where Prometheus scrapes.</summary>
    public const string MetricsPath = "/metrics";

    /// <summary>The service name in traces and metrics resources unless OTEL_SERVICE_NAME says otherwise.</summary>
    public const string ServiceName = "exchange-node";

    /// <summary>.NET's built-in runtime metrics (GC, thread pool, CPU time, memory): no extra package needed.</summary>
    private const string RuntimeMeter = "System.Runtime";

    /// <summary>.NET's built-in HttpClient spans, under the gRPC client's (node-to-node calls).</summary>
    private const string HttpClientSource = "System.Net.Http";

    public static WebApplicationBuilder AddExchangeObservability(this WebApplicationBuilder builder)
    {
        var settings = builder.Configuration.GetSection(Section).Get<TelemetrySettings>() ?? new TelemetrySettings();
        builder.Services.TryAddSingleton<ExchangeMetrics>();

        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(
                serviceName: builder.Configuration["OTEL_SERVICE_NAME"] is { Length: > 0 } name ? name : ServiceName,
                serviceVersion: ExchangeActivities.Version))
            .WithMetrics(metrics => metrics
                .AddMeter(ExchangeMetrics.MeterName)
                .AddAspNetCoreInstrumentation()
                .AddMeter(RuntimeMeter)
                .AddPrometheusExporter())
            .WithTracing(tracing => tracing
                .AddSource(ExchangeActivities.SourceName)
                .AddAspNetCoreInstrumentation(aspNetCore => aspNetCore.Filter = context => !context.Request.Path.StartsWithSegments(MetricsPath))
                .AddGrpcClientInstrumentation()
                .AddSource(HttpClientSource));

        if (!string.IsNullOrWhiteSpace(settings.OtlpEndpoint))
        {
            telemetry.UseOtlpExporter(Protocol(settings.OtlpProtocol), new Uri(settings.OtlpEndpoint));
        }
        else if (!string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            telemetry.UseOtlpExporter(); // the standard OTEL_EXPORTER_OTLP_* variables configure it
        }
        return builder;
    }

    public static WebApplication MapExchangeObservability(this WebApplication app)
    {
        app.Use(TagGrpcStatusAsync);
        app.MapPrometheusScrapingEndpoint(MetricsPath).AllowAnonymous(); // for the scraper, as before the fallback policy
        return app;
    }

    /// <summary>
    /// A gRPC error is an HTTP 200 with a grpc-status trailer: adds that status code to the
    /// request's http.server.request.duration (label rpc_grpc_status_code), so error rates by
    /// method and code can be read from the same metric.
    /// </summary>
    private static async Task TagGrpcStatusAsync(HttpContext context, RequestDelegate next)
    {
        await next(context);
        if (context.Features.Get<IHttpMetricsTagsFeature>() is { } tags && GrpcStatusOf(context) is { } code)
        {
            tags.Tags.Add(new KeyValuePair<string, object?>(GrpcStatusTag, code));
        }
    }

    /// <summary>The gRPC status code a finished call answered with; null for a request that is not a gRPC call.</summary>
    public static int? GrpcStatusOf(HttpContext context)
    {
        // Trailers normally; the headers of a "trailers-only" response (an error before any message).
        var status = context.Features.Get<IHttpResponseTrailersFeature>()?.Trailers is { } trailers && trailers.TryGetValue("grpc-status", out var inTrailers)
            ? inTrailers
            : context.Response.Headers["grpc-status"];
        return int.TryParse(status, System.Globalization.CultureInfo.InvariantCulture, out var code) ? code : null;
    }

    /// <summary>The OpenTelemetry semantic-convention attribute of a gRPC status code.</summary>
    public const string GrpcStatusTag = "rpc.grpc.status_code";

    private static OtlpExportProtocol Protocol(string protocol) => protocol switch
    {
        "grpc" => OtlpExportProtocol.Grpc,
        "http/protobuf" => OtlpExportProtocol.HttpProtobuf,
        _ => throw new InvalidOperationException($"{Section}:OtlpProtocol must be 'grpc' or 'http/protobuf'; got '{protocol}'."),
    };
}

/// <summary>The "Exchange:Telemetry" settings. Metrics are always served at /metrics; traces leave the node only to a configured collector.</summary>
public sealed class TelemetrySettings
{
    /// <summary>
    /// Base address of an OTLP collector for traces and metrics, e.g. http://127.0.0.1:4317 (gRPC)
    /// or http://127.0.0.1:4318 (HTTP; /v1/traces and /v1/metrics are appended). Empty: no export.
    /// </summary>
    public string OtlpEndpoint { get; set; } = "";

    /// <summary>"grpc" (default) or "http/protobuf".</summary>
    public string OtlpProtocol { get; set; } = "grpc";
}
