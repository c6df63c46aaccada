using System.Text.RegularExpressions;
using Exchange.Testing.Hosting;

namespace Exchange.Server.Tests.Hosting;

/// <summary>Once a real node listens, its log tells a newcomer where its data is, who callers are, and every URL it serves.</summary>
public sealed partial class StartupBannerTests
{
    private const string Source = "Exchange.Server.Hosting.StartupBanner: ";

    [Fact]
    public async Task The_banner_names_the_store_file_the_identity_scheme_and_every_URL()
    {
        using var data = new TempDirectory();
        using var server = await ServerProcess.StartAsync(data.Path);
        var http = server.HttpAddress.ToString().TrimEnd('/');

        var lines = await BannerAsync(server);

        Assert.Contains($"gRPC (HTTP/2): {server.Address.ToString().TrimEnd('/')} (Kestrel:Endpoints:Grpc:Url)", lines);
        Assert.Contains($"HTTP/JSON (HTTP/1.1): {http} (Kestrel:Endpoints:Http:Url)", lines);
        Assert.Contains($"Dashboard: {http}/dashboard", lines);
        Assert.Contains($"OpenAPI: {http}/openapi/v1.json", lines);
        Assert.Contains($"Metrics (Prometheus): {http}/metrics", lines);
        Assert.Contains($"Store: SQLite, file {Path.Combine(data.Path, "exchange.db")}", lines);
        Assert.Contains(lines, line => line.StartsWith("Identity: Development (Exchange:Authentication:Mode)", StringComparison.Ordinal));
        // Every line the node writes names its source (the console template puts it after the level).
        Assert.DoesNotContain(server.Output.Split(Environment.NewLine), line => EmptySource().IsMatch(line));
    }

    [SkippableFact]
    public async Task The_banner_names_a_PostgreSQL_server_and_database_but_never_the_password()
    {
        using var data = new TempDirectory();
        // The banner is written once the node listens, before anything connects: the Postgres
        // store is opened at start-up, so this needs a server (skipped below without one).
        var connection = Environment.GetEnvironmentVariable("EXCHANGE_TEST_POSTGRES");
        Skip.If(string.IsNullOrEmpty(connection), "EXCHANGE_TEST_POSTGRES is not set: the PostgreSQL banner was NOT checked.");
        using var server = await ServerProcess.StartAsync(data.Path, new Dictionary<string, string>
        {
            ["Exchange__Store__Provider"] = "Postgres",
            ["Exchange__Store__ConnectionString"] = connection + ";Password=do-not-print-me",
        });

        var lines = await BannerAsync(server);

        var store = Npgsql(connection!);
        Assert.Contains($"Store: PostgreSQL on {store.Host}:{store.Port}, database {store.Database}", lines);
        Assert.DoesNotContain("do-not-print-me", server.Output, StringComparison.Ordinal);
    }

    private static global::Npgsql.NpgsqlConnectionStringBuilder Npgsql(string connection) => new(connection);

    /// <summary>The banner's lines (message only), once its last line has been read from the process.</summary>
    private static async Task<List<string>> BannerAsync(ServerProcess server)
    {
        // Healthy means listening, and the banner is logged then: wait (bounded) for its output to arrive.
        for (var attempt = 0; attempt < 100 && !server.Output.Contains(Source + "Identity:", StringComparison.Ordinal); attempt++)
        {
            await Task.Delay(100);
        }
        return server.Output.Split(Environment.NewLine)
            .Select(line => line.IndexOf(Source, StringComparison.Ordinal) is var at and >= 0 ? line[(at + Source.Length)..].TrimEnd(' ', '{', '}') : null)
            .OfType<string>()
            .ToList();
    }

    [GeneratedRegex(@"^\[[^\]]*\] : ")]
    private static partial Regex EmptySource();
}
