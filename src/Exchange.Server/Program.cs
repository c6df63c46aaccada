using Exchange.Core.Declarations;
using Exchange.Core.Events;
using Exchange.Core.Storage;
using Exchange.Server.Dashboard;
using Exchange.Server.Grpc;
using Exchange.Server.Grpc.Marshalling;
using Exchange.Server.Hosting;
using Exchange.Server.Http;
using Exchange.Server.Identity;
using Exchange.Server.OpenApi;
using Google.Protobuf.Reflection;
using Google.Rpc;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration.Json;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Options;
using Serilog;

// A plain console logger until the host's own is configured, so start-up failures are logged.
// (Not Serilog's reloadable bootstrap logger: it can be frozen only once per process, and tests
// host several nodes in one process.)
Log.Logger = new LoggerConfiguration().WriteTo.Console().CreateLogger();
IConfiguration? settings = null;
try
{
    var builder = WebApplication.CreateBuilder(args);
    settings = builder.Configuration;
    // The defaults ship next to the binary: load them (lowest precedence) even when the node is
    // started from another directory, so it never falls back to Kestrel's own defaults.
    builder.Configuration.Sources.Insert(0, new JsonConfigurationSource
    {
        Path = "appsettings.json",
        Optional = true,
        FileProvider = new PhysicalFileProvider(AppContext.BaseDirectory),
    });
    // Before anything reads them: a misspelt key or a value of the wrong type stops the node here, in one line.
    StartupFailure.RefuseUrls(builder.Configuration);
    SettingsCheck.Check(builder.Configuration);
    // gRPC without TLS needs HTTP/2 only: an endpoint offering HTTP/1.1 too cannot serve h2c.
    builder.WebHost.ConfigureKestrel(kestrel => kestrel.ConfigureEndpointDefaults(endpoint => endpoint.Protocols = HttpProtocols.Http2));
    builder.Services.AddSerilog((services, logging) => logging
        .ReadFrom.Configuration(builder.Configuration)
        .ReadFrom.Services(services)
        .Enrich.FromLogContext()
        // Settings problems are told once, in one line on stderr (below), not as the framework's stack traces.
        .Filter.ByExcluding(logEvent => logEvent.Exception is { } error && StartupFailure.Describe(error, builder.Configuration) is not null));

    builder.Services.AddOptions<ExchangeOptions>()
        .Bind(builder.Configuration.GetSection(ExchangeOptions.Section))
        .Validate(o => o.Administration.CountryCode is { Length: 2 } code && code.All(char.IsAsciiLetterUpper),
            "Exchange:Administration:CountryCode must be an ISO 3166-1 alpha-2 code, e.g. NL.")
        .Validate(o => o.Store.Provider.Equals("Sqlite", StringComparison.OrdinalIgnoreCase) || o.Store.Provider.Equals("Postgres", StringComparison.OrdinalIgnoreCase),
            "Exchange:Store:Provider must be 'Sqlite' (the default: one file under Exchange:Store:DataDirectory) or 'Postgres' (with Exchange:Store:ConnectionString).")
        .Validate(o => !o.Store.Provider.Equals("Postgres", StringComparison.OrdinalIgnoreCase) || !string.IsNullOrWhiteSpace(o.Store.ConnectionString),
            "Exchange:Store:ConnectionString is required when Exchange:Store:Provider is 'Postgres', e.g. Host=127.0.0.1;Port=5432;Username=exchange;Database=exchange.")
        .Validate(o => o.Limits.MaxReceiveMessageBytes > 0 && o.Limits.MaxDeclarationsPerBulkStream > 0 && o.Limits.BulkBatchSize > 0,
            "Exchange:Limits values must be positive.")
        .Validate(o => o.Watch.PollInterval > TimeSpan.Zero && o.Redis.IdempotencyTtl > TimeSpan.Zero,
            "Exchange:Watch:PollInterval and Exchange:Redis:IdempotencyTtl must be positive.")
        .Validate(o => o.Assessment.Delay >= TimeSpan.Zero && o.Assessment.BatchSize > 0 && o.Assessment.PollInterval > TimeSpan.Zero
                && o.Assessment.ReferenceDataLifetime > TimeSpan.Zero,
            "Exchange:Assessment:Delay must not be negative; BatchSize, PollInterval and ReferenceDataLifetime must be positive.")
        .ValidateOnStart();

    builder.Services.AddSingleton(TimeProvider.System);
    StartupFailure.AsSettingsProblem(() => builder.Services.AddExchangeStore(builder.Configuration));
    builder.Services.AddSingleton(services => new WorkflowOptions
    {
        AdministrationCountryCode = services.GetRequiredService<IOptions<ExchangeOptions>>().Value.Administration.CountryCode,
        WatchPollInterval = services.GetRequiredService<IOptions<ExchangeOptions>>().Value.Watch.PollInterval,
    });
    builder.Services.AddSingleton<Exchange.Core.Consignments.ConsignmentWorkflow>();
    builder.Services.AddSingleton<DeclarationWorkflow>();
    builder.Services.AddSingleton<Exchange.Core.Revenue.RevenueWorkflow>();
    builder.Services.AddExchangeEnforcement();
    builder.Services.AddExchangeReporting();
    builder.AddExchangeObservability();
    StartupFailure.AsSettingsProblem(() => builder.AddExchangeAuthentication());

    // What must be known while the host is being built (before options can be resolved).
    var startup = builder.Configuration.GetSection(ExchangeOptions.Section).Get<ExchangeOptions>() ?? new ExchangeOptions();
    StartupFailure.AsSettingsProblem(() => DevelopmentModeGuard.Check(builder.Configuration, startup.Authentication));
    var limits = startup.Limits;
    builder.Services.AddGrpc(grpc =>
    {
        grpc.Interceptors.Add<ErrorInterceptor>();
        grpc.MaxReceiveMessageSize = limits.MaxReceiveMessageBytes;
        grpc.MaxSendMessageSize = limits.MaxSendMessageBytes;
        // Exception texts stay in the log, never in a response.
        grpc.EnableDetailedErrors = false;
    }).AddJsonTranscoding(json =>
    {
        // Error details travel as Any: JSON needs their types to render them.
        json.TypeRegistry = TypeRegistry.FromMessages(ErrorInfo.Descriptor, BadRequest.Descriptor, RetryInfo.Descriptor);
        // proto3 JSON writes 64-bit integers (money units, revisions) as strings, so JavaScript
        // clients do not lose precision above 2^53.
        json.JsonSettings.WriteInt64sAsStrings = true;
    });
    // Interceptors run in the order added: errors (outermost), then audit, then rate limits.
    builder.Services.AddExchangeAudit();
    builder.Services.AddExchangeRateLimits();
    builder.Services.AddExchangeAuthorizationRefusals(); // innermost: a refused call is audited and rate-limited first
    builder.AddExchangePartners();
    builder.Services.AddExchangeOpenApi();
    builder.Services.AddGrpcReflection();
    builder.Services.AddGrpcHealthChecks().AddCheck<StoreHealthCheck>("store");
    builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = TimeSpan.FromSeconds(30));
    // Last: it replaces grpc-dotnet's binder, which every AddGrpc above adds again.
    builder.Services.AddExchangeMessageGuards();

    var app = builder.Build();
    // Validated now, before the store opens with them in its start-up step (ValidateOnStart would check them only later).
    _ = app.Services.GetRequiredService<IOptions<ExchangeOptions>>().Value;
    EnforcementRegistration.LoadRuleFiles(app.Services);
    // Subscribed to the other nodes' events from the start, not from the first call on.
    app.Services.GetRequiredService<IEventSignal>();
    app.UseExchangeHttpErrors();
    app.UseSerilogRequestLogging(requests => requests.GetLevel = RequestLogLevels.Of);
    app.UseExchangeMessageGuards();
    app.UseExchangeDeadlineGrace();
    // The OpenAPI description is middleware, ahead of authorization: open to every caller, as it describes the API only.
    app.UseExchangeOpenApi();
    app.UseAuthentication();
    app.UseAuthorization();
    app.UseExchangeJsonFieldChecks();
    app.MapGrpcService<DeclarationGrpcService>();
    app.MapGrpcService<ConsignmentGrpcService>();
    app.MapGrpcService<DataSetGrpcService>();
    app.MapGrpcService<EnforcementGrpcService>();
    app.MapGrpcService<KnownShipperGrpcService>();
    app.MapGrpcService<AgencyGrpcService>();
    app.MapGrpcService<RevenueGrpcService>();
    app.MapGrpcService<RevenueOversightGrpcService>();
    app.MapExchangeReporting();
    app.MapExchangeAudit();
    app.MapExchangePartners();
    app.MapExchangeObservability();
    app.MapExchangeDashboard();
    app.MapGrpcHealthChecksService().AllowAnonymous();
    app.MapGrpcReflectionService().AllowAnonymous();
    app.MapGet("/", () => "Exchange node: gRPC (HTTP/2) service exchange.declaration.v1.DeclarationService. See README.md.").AllowAnonymous();

    StartupBanner.LogOnceListening(app);
    await app.RunAsync();
    return 0;
}
catch (NodeConfigurationException error)
{
    Log.Fatal("The Exchange node cannot start: {Problem}", error.Message);
    return 1;
}
catch (Exception error) when (error is not HostAbortedException)
{
    if (settings is not null && StartupFailure.Describe(error, settings) is { } problem)
    {
        await Console.Error.WriteLineAsync(problem);
        return 1;
    }
    Log.ForContext(Serilog.Core.Constants.SourceContextPropertyName, "Exchange.Server").Fatal(error, "The Exchange node stopped on a fatal error");
    return 1;
}
finally
{
    await Log.CloseAndFlushAsync();
}

/// <summary>Entry point, public so in-memory tests can host the node (WebApplicationFactory).</summary>
public partial class Program;
