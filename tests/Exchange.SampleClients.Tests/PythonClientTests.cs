using Exchange.Testing;
using Exchange.Testing.Hosting;

namespace Exchange.SampleClients.Tests;

/// <summary>
/// The Python sample client (clients/python/exchange_scenario.py, Debian's grpcio and protobuf)
/// runs the standard scenario against a real server process over h2c: two accepted
/// declarations, every field violation of the invalid sample decoded from the
/// google.rpc.Status details, the bulk stream, the watch's ACCEPTED events, and the whole
/// multiple-filing journey (<see cref="ScenarioJourney"/>) on a node that decides at once and on
/// one with an assessment delay.
/// </summary>
public sealed class PythonClientTests
{
    private const string Python = "/usr/bin/python3";

    private const string NotPrepared =
        "Python client not prepared: run ./scripts/test (it runs clients/python/generate.sh; " +
        "needs Debian's python3-grpcio python3-grpc-tools python3-protobuf)";

    private static readonly string ClientDirectory =
        Path.Combine(ExternalProgram.RepositoryRoot(), "clients", "python");

    private static readonly string SamplesDirectory =
        Path.Combine(ExternalProgram.RepositoryRoot(), "clients", "csharp", "Exchange.Client", "samples");

    [SkippableTheory]
    [InlineData(NodeAssessment.AtOnce)]
    [InlineData(NodeAssessment.Delayed)]
    public async Task Standard_scenario_succeeds_against_a_real_server(NodeAssessment assessment)
    {
        Skip.IfNot(await IsPreparedAsync(), NotPrepared);

        using var data = new TempDirectory();
        using var server = await ServerProcess.StartAsync(data.Path, ScenarioJourney.NodeSettings(assessment));
        var result = await ExternalProgram.RunAsync(
            Python,
            ["exchange_scenario.py",
             "--server", $"{server.Address.Host}:{server.Address.Port}",
             "--filer", "py-test",
             "--samples", SamplesDirectory],
            ClientDirectory,
            TimeSpan.FromMinutes(2),
            new Dictionary<string, string> { ["PYTHONDONTWRITEBYTECODE"] = "1", ["PYTHONUNBUFFERED"] = "1" });

        var report = $"{result.Describe()}{Environment.NewLine}--- server ---{Environment.NewLine}{server.Output}";
        Assert.True(result.ExitCode == 0, report);
        var lines = result.StandardOutput.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);

        AssertLine(lines, @"ACCEPTED postal-cn22-gift\.json \S+", report);
        AssertLine(lines, @"ACCEPTED express-ioss-marketplace-sale\.json \S+", report);
        AssertLine(lines, @"REJECTED invalid-several-errors\.json code=INVALID_ARGUMENT reason=VALIDATION_FAILED\b.*", report);
        var violations = lines
            .Where(line => line.StartsWith("VIOLATION ", StringComparison.Ordinal))
            .Select(line => line["VIOLATION ".Length..].Split(" : ", 2)[0])
            .Order(StringComparer.Ordinal)
            .ToArray();
        Assert.Equal(SampleFiles.InvalidSampleViolations.Order(StringComparer.Ordinal), violations);
        AssertLine(lines, $"BULK accepted={SampleFiles.BulkMixedAccepted} rejected={SampleFiles.BulkMixedRejected}", report);
        ScenarioJourney.AssertJourney(result.StandardOutput, "py-test", "py-test-carrier", assessment, report);
        AssertLine(lines, $"EVENTS {SampleFiles.BulkMixedAccepted + 7}", report); // the two valid samples, the bulk file, the two houses and the single filings of revenue, disposition and the agency step
        AssertLine(lines, "DONE", report);
    }

    /// <summary>The generated modules exist and Debian's python can import grpc and protobuf.</summary>
    private static async Task<bool> IsPreparedAsync()
    {
        var stubs = new[]
        {
            Path.Combine(ClientDirectory, "generated", "exchange", "declaration", "v1", "declaration_service_pb2_grpc.py"),
            Path.Combine(ClientDirectory, "generated", "exchange", "enforcement", "v1", "enforcement_service_pb2_grpc.py"),
        };
        if (!stubs.All(File.Exists) || !File.Exists(Python))
        {
            return false;
        }
        var probe = await ExternalProgram.RunAsync(
            Python, ["-c", "import grpc, google.protobuf"], ClientDirectory, TimeSpan.FromSeconds(30));
        return probe.ExitCode == 0;
    }

    private static void AssertLine(string[] lines, string pattern, string report) =>
        ScenarioJourney.AssertLine(lines, pattern, report);
}
