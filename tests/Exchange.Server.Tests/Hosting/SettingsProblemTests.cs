using System.Net;
using System.Net.Sockets;
using Exchange.Server.Hosting;
using Exchange.Testing.Hosting;
using Microsoft.Extensions.Configuration;

namespace Exchange.Server.Tests.Hosting;

/// <summary>
/// A node started with settings it cannot work with stops at once with exit code 1 and ONE line
/// on stderr that names the setting and says how to fix it, and prints no stack trace. Each case
/// is a real process, started as an operator would (command-line settings, free ports).
/// </summary>
public sealed class SettingsProblemTests : IDisposable
{
    private readonly TempDirectory _data = new();

    public void Dispose() => _data.Dispose();

    [Fact]
    public async Task A_misspelt_key_is_refused_naming_the_nearest_known_one()
    {
        var problem = await StartExpectingRefusalAsync(["--Exchange:Storage:Provider=Sqlite"]);

        Assert.Contains("Exchange:Storage:Provider", problem, StringComparison.Ordinal);
        Assert.Contains("did you mean Exchange:Store:Provider?", problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_misspelt_key_inside_a_partner_entry_names_the_partner_s_own_key()
    {
        var problem = await StartExpectingRefusalAsync(["--Exchange:PartnerExchange:Partners:BE:Endpiont=http://127.0.0.1:9"]);

        Assert.Contains("did you mean Exchange:PartnerExchange:Partners:BE:Endpoint?", problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_store_provider_is_refused_naming_the_setting_and_its_choices()
    {
        var problem = await StartExpectingRefusalAsync(["--Exchange:Store:Provider=nonsense"]);

        Assert.Contains("Exchange:Store:Provider", problem, StringComparison.Ordinal);
        Assert.Contains("'Sqlite'", problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_value_of_the_wrong_type_is_refused_with_an_example_of_a_right_one()
    {
        var problem = await StartExpectingRefusalAsync(["--Exchange:Watch:PollInterval=soon"]);

        Assert.Contains("Exchange:Watch:PollInterval", problem, StringComparison.Ordinal);
        Assert.Contains("'soon'", problem, StringComparison.Ordinal);
        Assert.Contains("Exchange:Watch:PollInterval=00:00:02", problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_wrong_risk_rules_file_is_refused_naming_the_file_and_the_setting()
    {
        var rules = _data.Write("risk-rules.json", """{ "rules": "none" }""");

        var problem = await StartExpectingRefusalAsync([$"--Exchange:Assessment:RiskRulesFile={rules}"]);

        Assert.Contains($"{rules} is not valid", problem, StringComparison.Ordinal);
        Assert.Contains("RiskRulesFile", problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_required_profile_is_refused_naming_the_setting_and_the_known_ones()
    {
        var problem = await StartExpectingRefusalAsync(["--Exchange:Assessment:RequiredProfiles:POSTAL:0=UPU-CN23", "--Exchange:Assessment:RequiredProfiles:POSTAL:1=UPU-CN24"]);

        Assert.Contains("Exchange:Assessment:RequiredProfiles:POSTAL:1: no profile \"UPU-CN24\"", problem, StringComparison.Ordinal);
        Assert.Contains("UPU-CN23", problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_profile_file_naming_a_field_the_contract_lacks_is_refused_naming_the_file_and_the_element()
    {
        var directory = Path.Combine(_data.Path, "profiles");
        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, "xx.json"), Profile("XX-TEST", "EU ICS2", """{ "element_id": "D026", "element_name": "LRN", "path": "local_reference_nummer", "required": true }"""));

        var problem = await StartExpectingRefusalAsync([$"--Exchange:Assessment:DataSetProfilesDirectory={directory}"]);

        Assert.Contains("xx.json $.elements[0].path: Declaration has no field \"local_reference_nummer\"", problem, StringComparison.Ordinal);
        Assert.Contains("DataSetProfilesDirectory", problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_profile_file_naming_a_code_list_the_node_lacks_is_refused_naming_the_file_the_element_and_the_known_lists()
    {
        var directory = Path.Combine(_data.Path, "profiles");
        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, "xx.json"), Profile("XX-CODES", "Test",
            """{ "element_name": "Origin", "path": "items[].origin_country_code", "required": true, "code_list": "ISO-3166-2" }, """
            + """{ "element_name": "Value", "path": "items[].value", "required": true, "code_list": "ISO-4271" }"""));

        var problem = await StartExpectingRefusalAsync([$"--Exchange:Assessment:DataSetProfilesDirectory={directory}"]);

        Assert.Contains("xx.json $.elements[0].code_list: no code list \"ISO-3166-2\" for element \"Origin\"; known: ISO-3166-1-alpha-2, ISO-4217", problem, StringComparison.Ordinal);
        Assert.Contains("xx.json $.elements[1].code_list: no code list \"ISO-4271\" for element \"Value\"", problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Two_profiles_that_contradict_each_other_are_refused_naming_both_and_the_element()
    {
        // An administration's own ICS2 postal profile that carries the LRN elsewhere than the built-in one.
        var directory = Path.Combine(_data.Path, "profiles");
        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, "own.json"), Profile("XX-OWN-ICS2", "EU ICS2", """{ "element_id": "D026", "element_name": "LRN", "path": "unique_consignment_reference", "required": true }"""));

        var problem = await StartExpectingRefusalAsync([$"--Exchange:Assessment:DataSetProfilesDirectory={directory}"]);

        Assert.Contains("profiles EU-ICS2-HOUSE-POSTAL and XX-OWN-ICS2", problem, StringComparison.Ordinal);
        Assert.Contains("contradict each other on element D026", problem, StringComparison.Ordinal);
    }

    private static string Profile(string id, string standard, string element) => $$"""
        {
          "id": "{{id}}", "version": "1", "title": "Test", "standard": "{{standard}}", "source": "test",
          "applies_to": { "destinations": ["EU"], "channels": ["POSTAL"] },
          "elements": [ {{element}} ]
        }
        """;

    [Fact]
    public async Task A_port_in_use_names_the_endpoint_setting_to_change()
    {
        using var occupant = new TcpListener(IPAddress.Loopback, 0);
        occupant.Start();
        var port = ((IPEndPoint)occupant.LocalEndpoint).Port;

        var problem = await StartExpectingRefusalAsync([], new() { ["Kestrel__Endpoints__Grpc__Url"] = $"http://127.0.0.1:{port}" });

        Assert.Contains($"Port {port} is already in use", problem, StringComparison.Ordinal);
        Assert.Contains("Kestrel:Endpoints:Grpc:Url", problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unreachable_postgres_store_is_refused_naming_where_and_the_setting_without_the_password()
    {
        // Free a moment ago, so nothing listens there: the connection is refused.
        var closedPort = ServerProcess.FreeLoopbackPort();

        var problem = await StartExpectingRefusalAsync([
            "--Exchange:Store:Provider=Postgres",
            $"--Exchange:Store:ConnectionString=Host=127.0.0.1;Port={closedPort};Username=exchange;Password=not-to-be-shown;Database=customs"]);

        Assert.Contains($"127.0.0.1:{closedPort}, database customs", problem, StringComparison.Ordinal);
        Assert.Contains("Exchange:Store:ConnectionString", problem, StringComparison.Ordinal);
        Assert.DoesNotContain("not-to-be-shown", problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Urls_on_the_command_line_are_refused_naming_the_endpoint_settings()
    {
        var problem = await StartExpectingRefusalAsync([$"--urls=http://127.0.0.1:{ServerProcess.FreeLoopbackPort()}"]);

        Assert.Contains("--urls", problem, StringComparison.Ordinal);
        Assert.Contains("Kestrel:Endpoints:Grpc:Url", problem, StringComparison.Ordinal);
        Assert.Contains("Kestrel:Endpoints:Http:Url", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void The_shipped_appsettings_json_passes_the_check()
    {
        var shipped = Path.Combine(ExternalProgram.RepositoryRoot(), "src", "Exchange.Server", "appsettings.json");
        var configuration = new ConfigurationBuilder().AddJsonFile(shipped).Build();

        SettingsCheck.Check(configuration);
        Assert.Contains("Exchange:Store:Provider", SettingsCheck.KnownKeys());
        Assert.Contains("Exchange:Telemetry:OtlpEndpoint", SettingsCheck.KnownKeys());
    }

    /// <summary>Starts the node on free ports with <paramref name="arguments"/>; asserts it refuses to start as promised and returns its one line.</summary>
    private async Task<string> StartExpectingRefusalAsync(string[] arguments, Dictionary<string, string>? environment = null)
    {
        var settings = new Dictionary<string, string>
        {
            ["Kestrel__Endpoints__Grpc__Url"] = $"http://127.0.0.1:{ServerProcess.FreeLoopbackPort()}",
            ["Kestrel__Endpoints__Http__Url"] = $"http://127.0.0.1:{ServerProcess.FreeLoopbackPort()}",
            ["Exchange__Store__DataDirectory"] = _data.Path,
            ["DOTNET_ENVIRONMENT"] = "Production",
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            // Production needs an identity scheme: headers on loopback, so the setting under test is the one refused.
            ["Exchange__Authentication__Mode"] = "Development",
        };
        foreach (var (key, value) in environment ?? [])
        {
            settings[key] = value;
        }
        var server = ServerAssembly();

        // A node that wrongly starts is killed at the bound and reported as exit code -1.
        var result = await ExternalProgram.RunAsync("dotnet", [server, .. arguments], Path.GetDirectoryName(server)!, TimeSpan.FromSeconds(60), settings);

        Assert.True(result.ExitCode == 1, $"Expected exit code 1. {result.Describe()}");
        var lines = result.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.True(lines.Length == 1, $"Expected one line on stderr. {result.Describe()}");
        Assert.DoesNotContain("   at ", result.StandardOutput + result.StandardError, StringComparison.Ordinal);
        return lines[0];
    }

    /// <summary>The server built next to this test run (same configuration).</summary>
    internal static string ServerAssembly()
    {
        var configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name; // bin/<Configuration>/net10.0/
        var path = Path.Combine(ExternalProgram.RepositoryRoot(), "src", "Exchange.Server", "bin", configuration, "net10.0", "Exchange.Server.dll");
        return File.Exists(path) ? path : throw new FileNotFoundException("Build the server first.", path);
    }
}
