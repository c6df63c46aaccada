using Exchange.Server.Grpc;
using Microsoft.OpenApi.Models;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace Exchange.Server.OpenApi;

/// <summary>
/// Turns the paths Grpc.Swagger keys by the contract's templates (<c>/v1/{parent=filers/*}/declarations</c>,
/// which no OpenAPI tool can resolve: the parameter would be called "parent=filers/*") into one
/// path per resource pattern with its own parameters (<c>/v1/filers/{filer}/declarations</c>),
/// the URL a client actually builds. Operations whose templates resolve to the same pattern
/// (e.g. GET and POST of a collection) share one path.
/// </summary>
public sealed class ResolvedPathsFilter : IDocumentFilter
{
    public void Apply(OpenApiDocument swaggerDoc, DocumentFilterContext context)
    {
        var resolvedPaths = new OpenApiPaths();
        foreach (var (template, item) in swaggerDoc.Paths)
        {
            var resolved = HttpTemplates.Resolve(template);
            foreach (var operation in item.Operations.Values)
            {
                ResolveParameters(operation, resolved);
            }
            if (!resolvedPaths.TryGetValue(resolved.Path, out var shared))
            {
                resolvedPaths[resolved.Path] = item;
                continue;
            }
            foreach (var (method, operation) in item.Operations)
            {
                // Two rules on one method and URL would be ambiguous for the transcoding router too.
                if (!shared.Operations.TryAdd(method, operation))
                {
                    throw new InvalidOperationException($"Two HTTP rules map {method} {resolved.Path}: the contract must keep them apart.");
                }
            }
        }
        swaggerDoc.Paths = resolvedPaths;
    }

    /// <summary>Replaces a templated field's path parameter ("parent") by one parameter per wildcard ("filer").</summary>
    private static void ResolveParameters(OpenApiOperation operation, ResolvedTemplate resolved)
    {
        var parameters = operation.Parameters ?? [];
        var fields = resolved.Parameters.Where(p => !p.IsWholeField).Select(p => p.Field).ToHashSet(StringComparer.Ordinal);
        var fieldDescriptions = parameters
            .Where(p => p.In == ParameterLocation.Path && fields.Contains(p.Name))
            .ToDictionary(p => p.Name, p => p.Description, StringComparer.Ordinal);
        var kept = parameters.Where(p => !(p.In == ParameterLocation.Path && fields.Contains(p.Name))).ToList();
        var added = resolved.Parameters.Where(p => !p.IsWholeField).Select(p => new OpenApiParameter
        {
            Name = p.Name,
            In = ParameterLocation.Path,
            Required = true,
            Schema = new OpenApiSchema { Type = "string" },
            Description = $"The `{p.Name}` id in the request's `{p.Field}` (`{p.Pattern}`)."
                + (fieldDescriptions.GetValueOrDefault(p.Field) is { Length: > 0 } described ? " " + described : ""),
        });
        operation.Parameters = [.. added, .. kept];
    }
}
