using Exchange.Testing;
using System.Text.RegularExpressions;
using Exchange.Testing.Hosting;

namespace Exchange.SampleClients.Tests;

/// <summary>
/// The Python sample client (clients/python/exchange_scenario.py, Debian's grpcio and protobuf)
/// runs the standard scenario against a real server process over h2c: two accepted
/// declarations, every field violation of the invalid sample decoded from the
/// google.rpc.Status details, the bulk stream, and the watch's ACCEPTED events.
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

    [SkippableFact]
    public async Task Standard_scenario_succeeds_against_a_real_server()
    {
        Skip.IfNot(await IsPreparedAsync(), NotPrepared);

        using var data = new TempDirectory();
        using var server = await ServerProcess.StartAsync(data.Path);
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

        AssertLine(lines, @"^ACCEPTED postal-cn22-gift\.json \S+$", report);
        AssertLine(lines, @"^ACCEPTED express-ioss-marketplace-sale\.json \S+$", report);
        AssertLine(lines, @"^REJECTED invalid-several-errors\.json code=INVALID_ARGUMENT reason=VALIDATION_FAILED\b", report);
        var violations = lines
            .Where(line => line.StartsWith("VIOLATION ", StringComparison.Ordinal))
            .Select(line => line["VIOLATION ".Length..].Split(" : ", 2)[0])
            .Order(StringComparer.Ordinal)
            .ToArray();
        Assert.Equal(SampleFiles.InvalidSampleViolations.Order(StringComparer.Ordinal), violations);
        AssertLine(lines, $"^BULK accepted={SampleFiles.BulkMixedAccepted} rejected={SampleFiles.BulkMixedRejected}$", report);
        // The node of these tests has an assessment delay: the declaration is not decided yet, so its arrival is only recorded.
        AssertLine(lines, "^ARRIVED postal-cn22-gift\\.json status=ACCEPTED security=REGISTERED clearance=ARRIVED$", report);
        // Multiple filing: the houses filed first wait for their master, then link to it; the
        // consignment's arrival reaches both, and with the delay both wait for their assessment.
        AssertLine(lines, "^HOUSE express-ioss-marketplace-sale\\.json earbuds=2 status=ACCEPTED master=MASTER_NOT_FILED$", report);
        AssertLine(lines, "^HOUSE express-ioss-marketplace-sale\\.json earbuds=20 status=ACCEPTED master=MASTER_NOT_FILED$", report);
        AssertLine(lines, "^MASTER consignment-air-master\\.json state=OPEN carrier=py-test-carrier$", report);
        AssertLine(lines, "^LINKED LINKED filers/py-test-carrier/consignments/mawb-176-\\d{8}$", report);
        AssertLine(lines, "^HOUSES 2 ACCEPTED,ACCEPTED$", report);
        AssertLine(lines, "^CONSIGNMENT ARRIVED arrived=2 released=0 present=2 ASSESSMENT_PENDING,ASSESSMENT_PENDING$", report);
        AssertLine(lines, $"^EVENTS {SampleFiles.BulkMixedAccepted + 4}$", report); // the two valid samples, the bulk file and the two houses
    }

    /// <summary>The generated modules exist and Debian's python can import grpc and protobuf.</summary>
    private static async Task<bool> IsPreparedAsync()
    {
        var stub = Path.Combine(ClientDirectory, "generated", "exchange", "declaration", "v1", "declaration_service_pb2_grpc.py");
        if (!File.Exists(stub) || !File.Exists(Python))
        {
            return false;
        }
        var probe = await ExternalProgram.RunAsync(
            Python, ["-c", "import grpc, google.protobuf"], ClientDirectory, TimeSpan.FromSeconds(30));
        return probe.ExitCode == 0;
    }

    private static void AssertLine(string[] lines, string pattern, string report) =>
        Assert.True(lines.Any(line => Regex.IsMatch(line, pattern)), $"No output line matches {pattern}.{Environment.NewLine}{report}");
}
