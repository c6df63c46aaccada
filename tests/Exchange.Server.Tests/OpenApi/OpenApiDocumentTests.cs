using System.Text.Json;
using System.Text.RegularExpressions;
using Exchange.Server.OpenApi;
using Exchange.Testing.Hosting;

namespace Exchange.Server.Tests.OpenApi;

/// <summary>
/// The OpenAPI document is for HTTP/JSON users and their client generators: it must be valid
/// for the tools they use. Two independent validators judge it (openapi-spec-validator, Debian's
/// python3-openapi-spec-validator; Redocly CLI from the repository's package.json), and the
/// paths are checked for what broke generators before: template syntax and undeclared parameters.
/// </summary>
public sealed partial class OpenApiDocumentTests : IDisposable
{
    private readonly ExchangeNode _node = new();
    private readonly TempDirectory _directory = new();

    public void Dispose()
    {
        _node.Dispose();
        _directory.Dispose();
    }

    [Fact]
    public async Task Every_path_is_a_plain_URL_pattern_whose_parameters_are_all_declared()
    {
        using var document = JsonDocument.Parse(await FetchAsync());

        var paths = document.RootElement.GetProperty("paths").EnumerateObject().ToList();
        Assert.NotEmpty(paths);
        foreach (var path in paths)
        {
            Assert.DoesNotContain("=", path.Name, StringComparison.Ordinal);
            Assert.DoesNotContain("*", path.Name, StringComparison.Ordinal);
            var inTemplate = Parameter().Matches(path.Name).Select(m => m.Groups[1].Value).ToHashSet();
            foreach (var operation in path.Value.EnumerateObject())
            {
                var declared = operation.Value.TryGetProperty("parameters", out var parameters)
                    ? parameters.EnumerateArray().Where(p => p.GetProperty("in").GetString() == "path").Select(p => p.GetProperty("name").GetString()!).ToHashSet()
                    : [];
                Assert.True(inTemplate.SetEquals(declared),
                    $"{operation.Name.ToUpperInvariant()} {path.Name} declares path parameters [{string.Join(", ", declared)}], its URL has [{string.Join(", ", inTemplate)}].");
            }
        }
        Assert.Contains(paths, p => p.Name == "/v1/filers/{filer}/declarations/{declaration}:cancel");
    }

    [Fact]
    public async Task The_identity_headers_are_security_schemes_and_errors_are_google_rpc_Status()
    {
        using var document = JsonDocument.Parse(await FetchAsync());
        var root = document.RootElement;

        var schemes = root.GetProperty("components").GetProperty("securitySchemes").EnumerateObject()
            .ToDictionary(s => s.Value.GetProperty("name").GetString()!, s => s.Value);
        Assert.Equal(["x-exchange-agency", "x-exchange-filer", "x-exchange-officer", "x-exchange-partner"], schemes.Keys.Order());
        Assert.All(schemes.Values, s =>
        {
            Assert.Equal("apiKey", s.GetProperty("type").GetString());
            Assert.Equal("header", s.GetProperty("in").GetString());
        });
        Assert.Equal(4, root.GetProperty("security").GetArrayLength());
        var operations = root.GetProperty("paths").EnumerateObject().SelectMany(p => p.Value.EnumerateObject()).ToList();
        Assert.All(operations, operation =>
        {
            foreach (var range in new[] { "4XX", "default" })
            {
                var schema = operation.Value.GetProperty("responses").GetProperty(range).GetProperty("content").GetProperty("application/json").GetProperty("schema");
                Assert.Equal($"#/components/schemas/{IdentityAndErrorsFilter.StatusSchema}", schema.GetProperty("$ref").GetString());
            }
        });
    }

    [SkippableFact]
    public async Task The_document_passes_openapi_spec_validator()
    {
        var python = await PythonWithAsync("openapi_spec_validator");
        Skip.If(python is null,
            "openapi-spec-validator is in neither python3 on PATH nor /usr/bin/python3 (.ci/run installs it: "
            + "apt-get install -y python3-openapi-spec-validator on Debian 13): the OpenAPI document was NOT validated by it.");
        var file = await SaveAsync();

        var result = await ExternalProgram.RunAsync(python!, ["-m", "openapi_spec_validator", file], _directory.Path, TimeSpan.FromMinutes(2));

        Assert.True(result.ExitCode == 0, result.Describe());
        Assert.Contains("OK", result.StandardOutput, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task The_document_passes_redocly_lint()
    {
        var redocly = Path.Combine(ExternalProgram.RepositoryRoot(), "node_modules", ".bin", "redocly");
        Skip.If(!File.Exists(redocly), $"{redocly} is missing (run npm ci at the repository root): the OpenAPI document was NOT linted by Redocly CLI.");
        var file = await SaveAsync();

        // Redocly's built-in "recommended" rules: any error fails the lint (warnings do not).
        var result = await ExternalProgram.RunAsync(redocly, ["lint", file, "--format=summary"], _directory.Path, TimeSpan.FromMinutes(2),
            new Dictionary<string, string> { ["REDOCLY_TELEMETRY"] = "off", ["REDOCLY_SUPPRESS_UPDATE_NOTICE"] = "true" });

        Assert.True(result.ExitCode == 0, result.Describe());
    }

    /// <summary>
    /// The first Python that has <paramref name="module"/>: python3 on PATH (the machine image's own,
    /// with pip packages) or Debian's /usr/bin/python3 (with python3-* packages); null: neither.
    /// </summary>
    private async Task<string?> PythonWithAsync(string module)
    {
        foreach (var python in new[] { "python3", "/usr/bin/python3" })
        {
            try
            {
                var probe = await ExternalProgram.RunAsync(python, ["-c", $"import {module}"], _directory.Path, TimeSpan.FromSeconds(30));
                if (probe.ExitCode == 0)
                {
                    return python;
                }
            }
            catch (System.ComponentModel.Win32Exception)
            {
                // No such program.
            }
        }
        return null;
    }

    private async Task<string> FetchAsync()
    {
        using var http = _node.CreateClient();
        var response = await http.GetAsync(OpenApiRegistration.DocumentPath);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadAsStringAsync();
    }

    private async Task<string> SaveAsync()
    {
        var file = Path.Combine(_directory.Path, "openapi.json");
        await File.WriteAllTextAsync(file, await FetchAsync());
        return file;
    }

    [GeneratedRegex(@"\{([^}]+)\}")]
    private static partial Regex Parameter();
}
