using Exchange.Server.Hosting;
using Exchange.Testing.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Exchange.Server.Tests.RateLimiting;

/// <summary>Exchange:RateLimits as configured: defaults, partial overrides, and settings that stop the node from starting.</summary>
public sealed class RateLimitOptionsTests
{
    private static ExchangeOptions Options(Dictionary<string, string?> settings)
    {
        var services = new ServiceCollection();
        services.AddOptions<ExchangeOptions>().Bind(new ConfigurationBuilder().AddInMemoryCollection(settings).Build().GetSection(ExchangeOptions.Section));
        services.AddExchangeRateLimits();
        return services.BuildServiceProvider().GetRequiredService<IOptions<ExchangeOptions>>().Value;
    }

    [Fact]
    public void Limits_are_on_by_default_and_a_setting_changes_only_itself()
    {
        var defaults = Options([]).RateLimits;
        var configured = Options(new() { ["Exchange:RateLimits:Filers:PermitsPerSecond"] = "50" }).RateLimits;

        Assert.True(defaults.Enabled);
        Assert.Equal((5_000, 10_000), (defaults.Filers.PermitsPerSecond, defaults.Filers.Burst));
        Assert.Equal(16, defaults.MaxConcurrentStreamsPerCaller);
        Assert.Equal(16, defaults.MaxConcurrentBulkStreamsPerCaller);
        Assert.True(defaults.Anonymous.PermitsPerSecond < defaults.Officers.PermitsPerSecond);
        Assert.Equal((50, 10_000), (configured.Filers.PermitsPerSecond, configured.Filers.Burst));
        Assert.Equal(defaults.Officers.PermitsPerSecond, configured.Officers.PermitsPerSecond);
    }

    [Fact]
    public void Every_setting_out_of_range_is_named()
    {
        var error = Assert.Throws<OptionsValidationException>(() => Options(new()
        {
            ["Exchange:RateLimits:Filers:Burst"] = "0",
            ["Exchange:RateLimits:Partners:PermitsPerSecond"] = "-1",
            ["Exchange:RateLimits:MaxConcurrentStreamsPerCaller"] = "-1",
            ["Exchange:RateLimits:MaxConcurrentBulkStreamsPerCaller"] = "-1",
            ["Exchange:Limits:BulkBytesPerCaller"] = "0",
        }));

        Assert.Equal(
            [
                "Exchange:RateLimits:Filers:Burst", "Exchange:RateLimits:Partners:PermitsPerSecond", "Exchange:RateLimits:MaxConcurrentStreamsPerCaller",
                "Exchange:RateLimits:MaxConcurrentBulkStreamsPerCaller", "Exchange:Limits:BulkBytesPerCaller",
            ],
            error.Failures.Select(f => f[..f.IndexOf(' ', StringComparison.Ordinal)]));
    }

    [Fact]
    public void The_bulk_memory_budget_is_set_by_default_and_a_node_budget_below_a_callers_is_refused()
    {
        var defaults = Options([]).Limits;
        var error = Assert.Throws<OptionsValidationException>(() => Options(new()
        {
            ["Exchange:Limits:BulkBytesPerCaller"] = "2048",
            ["Exchange:Limits:BulkBytesPerNode"] = "1024",
        }));

        Assert.Equal((16L << 20, 64L << 20), (defaults.BulkBytesPerCaller, defaults.BulkBytesPerNode));
        Assert.Equal(["Exchange:Limits:BulkBytesPerNode must be at least Exchange:Limits:BulkBytesPerCaller."], error.Failures);
    }

    [Fact]
    public async Task A_node_with_limits_out_of_range_does_not_start()
    {
        using var directory = new TempDirectory();

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => ServerProcess.StartAsync(
            Path.Combine(directory.Path, "data"), new Dictionary<string, string> { ["Exchange__RateLimits__Officers__Burst"] = "0" }));

        Assert.Contains("Exchange:RateLimits:Officers:Burst must be at least 1", error.Message, StringComparison.Ordinal);
    }
}
