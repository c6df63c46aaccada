using Exchange.Server.Dashboard;
using Exchange.Server.OpenApi;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Exchange.Server.Hosting;

/// <summary>
/// What a newcomer needs once the node listens, one log line each: where its data is, how callers
/// identify themselves, and every URL it serves (gRPC, JSON, dashboard, OpenAPI, metrics).
/// </summary>
public sealed class StartupBanner(ILogger<StartupBanner> logger, IOptions<ExchangeOptions> options, IConfiguration configuration)
{
    public static void LogOnceListening(WebApplication app) =>
        app.Lifetime.ApplicationStarted.Register(() => ActivatorUtilities.CreateInstance<StartupBanner>(app.Services).Log(app.Urls));

    public void Log(ICollection<string> listening)
    {
        var settings = options.Value;
        logger.LogInformation("Exchange node of administration {CountryCode} started", settings.Administration.CountryCode);
        var endpoints = configuration.GetSection("Kestrel:Endpoints").GetChildren()
            .Select(e => (Name: e.Key, Url: e["Url"] ?? "", Protocols: e["Protocols"] ?? "Http2"))
            .Where(e => e.Url.Length > 0)
            .ToList();
        if (endpoints.Count == 0)
        {
            logger.LogInformation("Listening on {Addresses}", string.Join(", ", listening));
        }
        foreach (var grpc in endpoints.Where(e => !SpeaksHttp1(e.Protocols)))
        {
            logger.LogInformation("gRPC (HTTP/2): {GrpcUrl} (Kestrel:Endpoints:{Endpoint}:Url)", grpc.Url, grpc.Name);
        }
        var http = endpoints.FirstOrDefault(e => SpeaksHttp1(e.Protocols));
        if (http.Url is { Length: > 0 })
        {
            var root = http.Url.TrimEnd('/');
            logger.LogInformation("HTTP/JSON (HTTP/1.1): {HttpUrl} (Kestrel:Endpoints:{Endpoint}:Url)", http.Url, http.Name);
            logger.LogInformation("Dashboard: {DashboardUrl}", root + DashboardRegistration.PagePath);
            logger.LogInformation("OpenAPI: {OpenApiUrl}", root + OpenApiRegistration.DocumentPath);
            logger.LogInformation("Metrics (Prometheus): {MetricsUrl}", root + ObservabilityRegistration.MetricsPath);
        }
        else
        {
            logger.LogInformation("No HTTP/1.1 endpoint: the dashboard, OpenAPI ({OpenApiPath}) and metrics ({MetricsPath}) are not reachable from a browser",
                OpenApiRegistration.DocumentPath, ObservabilityRegistration.MetricsPath);
        }
        LogStore(settings.Store);
        logger.LogInformation("Identity: {IdentityScheme} (Exchange:Authentication:Mode){IdentityHow}", settings.Authentication.Mode,
            settings.Authentication.Mode == AuthenticationOptions.CertificateMode
                ? ": callers are their TLS client certificates"
                : ": callers name themselves in an x-exchange-filer, -officer, -agency or -partner header (development only)");
    }

    private void LogStore(StoreOptions store)
    {
        if (string.Equals(store.Provider, "Postgres", StringComparison.OrdinalIgnoreCase))
        {
            // Server and database only: the connection string may hold a password.
            var connection = new NpgsqlConnectionStringBuilder(store.ConnectionString);
            logger.LogInformation("Store: PostgreSQL on {PostgresHost}:{PostgresPort}, database {PostgresDatabase}",
                connection.Host, connection.Port, connection.Database ?? connection.Username);
            return;
        }
        logger.LogInformation("Store: SQLite, file {SqliteFile}",
            Path.Combine(Path.GetFullPath(store.DataDirectory), StoreProvider.SqliteFileName));
    }

    private static bool SpeaksHttp1(string protocols) => protocols.Contains("Http1", StringComparison.OrdinalIgnoreCase);
}
