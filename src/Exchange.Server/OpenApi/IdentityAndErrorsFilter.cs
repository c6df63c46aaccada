using Exchange.Server.Identity;
using Microsoft.OpenApi.Models;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace Exchange.Server.OpenApi;

/// <summary>
/// Declares how a JSON caller identifies itself (the development identity headers, each an
/// apiKey security scheme; any one of them on a call) and what every error answer is: a
/// google.rpc.Status, for client errors (4XX) and any other (default).
/// </summary>
public sealed class IdentityAndErrorsFilter : IDocumentFilter
{
    public const string StatusSchema = "Google.Rpc.Status";

    private static readonly (string Scheme, string Header, string Who)[] IdentityHeaders =
    [
        ("filer", DevelopmentHeaderIdentityResolver.FilerHeader, "a filer (declarations, consignments)"),
        ("officer", DevelopmentHeaderIdentityResolver.OfficerHeader, "a customs officer (enforcement, known shippers, reporting, partners, audit)"),
        ("agency", DevelopmentHeaderIdentityResolver.AgencyHeader, "a partner government agency (AgencyService)"),
        ("partner", DevelopmentHeaderIdentityResolver.PartnerHeader, "a partner administration's node"),
    ];

    public void Apply(OpenApiDocument swaggerDoc, DocumentFilterContext context)
    {
        swaggerDoc.Components ??= new OpenApiComponents();
        foreach (var (scheme, header, who) in IdentityHeaders)
        {
            swaggerDoc.Components.SecuritySchemes[scheme] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.ApiKey,
                In = ParameterLocation.Header,
                Name = header,
                Description = $"Calls as {who}, named in this header. Development identity mode only (Exchange:Authentication:Mode "
                    + "Development, loopback); in Certificate mode the caller is its TLS client certificate (docs/security.md), "
                    + "which OpenAPI 3.0 cannot describe.",
            };
        }
        // Alternatives: a call carries one of the headers; which role a method admits is in its description.
        swaggerDoc.SecurityRequirements = IdentityHeaders
            .Select(identity => new OpenApiSecurityRequirement
            {
                [new OpenApiSecurityScheme { Reference = new OpenApiReference { Type = ReferenceType.SecurityScheme, Id = identity.Scheme } }] = [],
            })
            .ToList();

        if (swaggerDoc.Components.Schemas.TryGetValue(StatusSchema, out var status))
        {
            status.Description = "google.rpc.Status: the gRPC status code, a developer-facing message, and details as Any "
                + "(google.rpc.ErrorInfo with a stable reason, google.rpc.BadRequest with every violated field by path, "
                + "google.rpc.RetryInfo), each naming its type in @type.";
        }
        var error = new OpenApiResponse
        {
            Description = "Error: a google.rpc.Status (HTTP status mapped from the gRPC code, e.g. 400 INVALID_ARGUMENT, 404 NOT_FOUND).",
            Content = new Dictionary<string, OpenApiMediaType>
            {
                ["application/json"] = new()
                {
                    Schema = new OpenApiSchema { Reference = new OpenApiReference { Type = ReferenceType.Schema, Id = StatusSchema } },
                },
            },
        };
        foreach (var operation in swaggerDoc.Paths.Values.SelectMany(path => path.Operations.Values))
        {
            operation.Responses["4XX"] = error;
            operation.Responses["default"] = error;
        }
    }
}
