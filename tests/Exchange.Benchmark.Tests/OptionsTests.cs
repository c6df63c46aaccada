using Exchange.Benchmark;

namespace Exchange.Benchmark.Tests;

public sealed class OptionsTests
{
    [Fact]
    public void Defaults_are_the_documented_ones()
    {
        var options = BenchmarkOptions.Parse([]);
        Assert.Equal("all", options.Scenario);
        Assert.Equal(64, options.Concurrency);
        Assert.Equal(TimeSpan.FromSeconds(20), options.Duration);
        Assert.Equal(2, options.Streams);
        Assert.Equal(200_000, options.BulkCount);
    }

    [Theory]
    [InlineData("--concurrency", "100000")]
    [InlineData("--duration", "3600")]
    [InlineData("--count", "999999999")]
    [InlineData("--target", "example.com:5080")]
    [InlineData("--target", "10.0.0.1:5080")]
    [InlineData("--scenario", "everything")]
    public void Values_beyond_the_caps_or_off_loopback_are_refused(string name, string value) =>
        Assert.Throws<UsageException>(() => BenchmarkOptions.Parse([name, value]));

    [Fact]
    public void Postgres_needs_a_connection_string() =>
        Assert.Throws<UsageException>(() => BenchmarkOptions.Parse(["--store", "postgres"]));

    [Fact]
    public void Settings_for_the_node_pass_through() =>
        Assert.Equal("64", BenchmarkOptions.Parse(["--set", "Exchange__Limits__BulkBatchSize=64"]).ServerSettings["Exchange__Limits__BulkBatchSize"]);
}
