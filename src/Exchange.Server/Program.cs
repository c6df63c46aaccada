using Exchange.Core.Declarations;
using Exchange.Core.Events;
using Exchange.Core.Storage;
using Exchange.Server.Dashboard;
using Exchange.Server.Grpc;
using Exchange.Server.Hosting;
using Exchange.Server.Identity;
using Google.Protobuf.Reflection;
using Google.Rpc;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.OpenApi.Models;
using Microsoft.Extensions.Configuration.Json;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Options;
using Serilog;

// A plain console logger until the host's own is configured, so start-up failures are logged.
// (Not Serilog's reloadable bootstrap logger: it can be frozen only once per process, and tests
// host several nodes in one process.)
Log.Logger = new LoggerConfiguration().WriteTo.Console().CreateLogger();
try
{
    var builder = WebApplication.CreateBuilder(args);
    // The defaults ship next to the binary: load them (lowest precedence) even when the node is
    // started from another directory, so it never falls back to Kestrel's own defaults.
    builder.Configuration.Sources.Insert(0, new JsonConfigurationSource
    {
        Path = "appsettings.json",
        Optional = true,
        FileProvider = new PhysicalFileProvider(AppContext.BaseDirectory),
    });
    // gRPC without TLS needs HTTP/2 only: an endpoint offering HTTP/1.1 too cannot serve h2c.
    builder.WebHost.ConfigureKestrel(kestrel => kestrel.ConfigureEndpointDefaults(endpoint => endpoint.Protocols = HttpProtocols.Http2));
    builder.Services.AddSerilog((services, logging) => logging
        .ReadFrom.Configuration(builder.Configuration)
        .ReadFrom.Services(services)
        .Enrich.FromLogContext());

    builder.Services.AddOptions<ExchangeOptions>()
        .Bind(builder.Configuration.GetSection(ExchangeOptions.Section))
        .Validate(o => o.Administration.CountryCode is { Length: 2 } code && code.All(char.IsAsciiLetterUpper),
            "Exchange:Administration:CountryCode must be an ISO 3166-1 alpha-2 code, e.g. NL.")
        .Validate(o => o.Limits.MaxReceiveMessageBytes > 0 && o.Limits.MaxDeclarationsPerBulkStream > 0 && o.Limits.BulkBatchSize > 0,
            "Exchange:Limits values must be positive.")
        .Validate(o => o.Watch.PollInterval > TimeSpan.Zero && o.Redis.IdempotencyTtl > TimeSpan.Zero,
            "Exchange:Watch:PollInterval and Exchange:Redis:IdempotencyTtl must be positive.")
        .Validate(o => o.Assessment.Delay >= TimeSpan.Zero && o.Assessment.BatchSize > 0 && o.Assessment.PollInterval > TimeSpan.Zero
                && o.Assessment.ReferenceDataLifetime > TimeSpan.Zero,
            "Exchange:Assessment:Delay must not be negative; BatchSize, PollInterval and ReferenceDataLifetime must be positive.")
        .ValidateOnStart();

    builder.Services.AddSingleton(TimeProvider.System);
    builder.Services.AddExchangeStore(builder.Configuration);
    builder.Services.AddSingleton(services => new WorkflowOptions
    {
        AdministrationCountryCode = services.GetRequiredService<IOptions<ExchangeOptions>>().Value.Administration.CountryCode,
        WatchPollInterval = services.GetRequiredService<IOptions<ExchangeOptions>>().Value.Watch.PollInterval,
    });
    builder.Services.AddSingleton<Exchange.Core.Consignments.ConsignmentWorkflow>();
    builder.Services.AddSingleton<DeclarationWorkflow>();
    builder.Services.AddExchangeEnforcement();
    builder.Services.AddExchangeReporting();
    builder.AddExchangeObservability();
    builder.AddExchangeAuthentication();

    // What must be known while the host is being built (before options can be resolved).
    var startup = builder.Configuration.GetSection(ExchangeOptions.Section).Get<ExchangeOptions>() ?? new ExchangeOptions();
    DevelopmentModeGuard.Check(builder.Configuration, startup.Authentication);
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
    builder.AddExchangePartners();
    builder.Services.AddGrpcSwagger();
    builder.Services.AddSwaggerGen(openApi =>
    {
        openApi.SwaggerDoc("v1", new OpenApiInfo
        {
            Title = "The Exchange: e-commerce declarations over HTTP/JSON",
            Version = "v1",
            Description = "JSON mapping (gRPC JSON transcoding) of exchange.declaration.v1.DeclarationService for filers and of "
                + "exchange.enforcement.v1 EnforcementService and KnownShipperService for officers and AgencyService for partner "
                + "government agencies, exchange.reporting.v1, exchange.partner.v1 PartnerAdministrationService and "
                + "exchange.audit.v1 for officers. Development identity: one of the x-exchange-filer, x-exchange-officer, "
                + "x-exchange-agency or x-exchange-partner headers. Errors are google.rpc.Status objects.",
        });
        // AIP-style templates ("/v1/{name=programmes/*}", "/v1/{name=filers/*/declarations/*}")
        // all collapse to "v1/{name}" in Grpc.Swagger (dotnet/aspnetcore#64879): key each path
        // by its full template instead, which is also what a reader needs to build the URL.
        openApi.SwaggerGeneratorOptions.PathGroupSelector = description =>
            description.ActionDescriptor.EndpointMetadata.OfType<Microsoft.AspNetCore.Grpc.JsonTranscoding.GrpcJsonTranscodingMetadata>()
                .FirstOrDefault()?.HttpRule is { } rule
                ? HttpTemplates.Of(rule).TrimStart('/')
                : description.RelativePath;
        // Both packages have a ListDeclarationsResponse: name schemas by package, e.g. "Enforcement.V1.ListDeclarationsResponse".
        openApi.CustomSchemaIds(type => (type.FullName ?? type.Name).Replace("Exchange.Contracts.", "", StringComparison.Ordinal).Replace('+', '.'));
        var contractDocs = Path.Combine(AppContext.BaseDirectory, "Exchange.Contracts.xml");
        if (File.Exists(contractDocs))
        {
            openApi.IncludeXmlComments(contractDocs);
            openApi.IncludeGrpcXmlComments(contractDocs, includeControllerXmlComments: true);
        }
    });
    builder.Services.AddGrpcReflection();
    builder.Services.AddGrpcHealthChecks().AddCheck<StoreHealthCheck>("store");
    builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = TimeSpan.FromSeconds(30));

    var app = builder.Build();
    EnforcementRegistration.LoadRuleFiles(app.Services);
    // Subscribed to the other nodes' events from the start, not from the first call on.
    app.Services.GetRequiredService<IEventSignal>();
    app.UseSerilogRequestLogging();
    app.UseSwagger(openApi => openApi.RouteTemplate = "openapi/{documentName}.json");
    app.MapGrpcService<DeclarationGrpcService>();
    app.MapGrpcService<ConsignmentGrpcService>();
    app.MapGrpcService<EnforcementGrpcService>();
    app.MapGrpcService<KnownShipperGrpcService>();
    app.MapGrpcService<AgencyGrpcService>();
    app.MapExchangeReporting();
    app.MapExchangeAudit();
    app.MapExchangePartners();
    app.MapExchangeObservability();
    app.MapExchangeDashboard();
    app.MapGrpcHealthChecksService();
    app.MapGrpcReflectionService();
    app.MapGet("/", () => "Exchange node: gRPC (HTTP/2) service exchange.declaration.v1.DeclarationService. See README.md.");

    app.Lifetime.ApplicationStarted.Register(() =>
        Log.Information("Exchange node listening on {Addresses}, store {Provider}",
            string.Join(", ", app.Urls), app.Services.GetRequiredService<IOptions<ExchangeOptions>>().Value.Store.Provider));
    await app.RunAsync();
    return 0;
}
catch (Exception error) when (error is not HostAbortedException)
{
    Log.Fatal(error, "The Exchange node stopped on a fatal error");
    return 1;
}
finally
{
    await Log.CloseAndFlushAsync();
}

/// <summary>Entry point, public so in-memory tests can host the node (WebApplicationFactory).</summary>
public partial class Program;
