using Exchange.Server.Grpc;
using Microsoft.AspNetCore.Grpc.JsonTranscoding;
using Microsoft.OpenApi.Models;

namespace Exchange.Server.OpenApi;

/// <summary>
/// The OpenAPI description of the JSON mapping (gRPC JSON transcoding), served at
/// <see cref="DocumentPath"/>: Grpc.Swagger's document with the contract's comments, one path per
/// resource pattern (<see cref="ResolvedPathsFilter"/>), the identity headers and errors declared
/// (<see cref="IdentityAndErrorsFilter"/>), and the server that served it.
/// </summary>
public static class OpenApiRegistration
{
    public const string DocumentPath = "/openapi/v1.json";

    public static IServiceCollection AddExchangeOpenApi(this IServiceCollection services)
    {
        services.AddGrpcSwagger();
        services.AddSwaggerGen(openApi =>
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
            // by its full template, which ResolvedPathsFilter then turns into the URL pattern.
            openApi.SwaggerGeneratorOptions.PathGroupSelector = description =>
                Transcoding(description) is { } metadata ? HttpTemplates.Of(metadata.HttpRule).TrimStart('/') : description.RelativePath;
            // Unique and stable: the gRPC method's own name, e.g. "DeclarationService_SubmitDeclaration".
            openApi.CustomOperationIds(description =>
                Transcoding(description) is { } metadata ? $"{metadata.MethodDescriptor.Service.Name}_{metadata.MethodDescriptor.Name}" : null);
            // Both packages have a ListDeclarationsResponse: name schemas by package, e.g. "Enforcement.V1.ListDeclarationsResponse".
            openApi.CustomSchemaIds(type => (type.FullName ?? type.Name).Replace("Exchange.Contracts.", "", StringComparison.Ordinal).Replace('+', '.'));
            openApi.DocumentFilter<ResolvedPathsFilter>();
            openApi.DocumentFilter<IdentityAndErrorsFilter>();
            var contractDocs = Path.Combine(AppContext.BaseDirectory, "Exchange.Contracts.xml");
            if (File.Exists(contractDocs))
            {
                openApi.IncludeXmlComments(contractDocs);
                openApi.IncludeGrpcXmlComments(contractDocs, includeControllerXmlComments: true);
            }
        });
        return services;
    }

    public static WebApplication UseExchangeOpenApi(this WebApplication app)
    {
        app.UseSwagger(openApi =>
        {
            openApi.RouteTemplate = "openapi/{documentName}.json";
            // The endpoint that served the document is where its calls go (and generators need a server).
            openApi.PreSerializeFilters.Add((document, request) =>
                document.Servers = [new OpenApiServer { Url = $"{request.Scheme}://{request.Host.Value}" }]);
        });
        return app;
    }

    private static GrpcJsonTranscodingMetadata? Transcoding(Microsoft.AspNetCore.Mvc.ApiExplorer.ApiDescription description) =>
        description.ActionDescriptor.EndpointMetadata.OfType<GrpcJsonTranscodingMetadata>().FirstOrDefault();
}
