using Exchange.Server.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Exchange.Server.Tests.Audit;

public sealed class AuditOptionsTests
{
    private static ExchangeOptions Options(Dictionary<string, string?> settings)
    {
        var services = new ServiceCollection();
        services.AddOptions<ExchangeOptions>().Bind(new ConfigurationBuilder().AddInMemoryCollection(settings).Build().GetSection(ExchangeOptions.Section));
        services.AddExchangeAudit();
        return services.BuildServiceProvider().GetRequiredService<IOptions<ExchangeOptions>>().Value;
    }

    [Fact]
    public void Wrong_audit_settings_stop_the_node_with_every_problem_named()
    {
        var error = Assert.Throws<OptionsValidationException>(() => Options(new()
        {
            ["Exchange:Audit:BatchSize"] = "0",
            ["Exchange:Audit:FlushInterval"] = "00:05:00",
            ["Exchange:Audit:MaxQueuedEntries"] = "-1",
        }));

        Assert.Equal(3, error.Failures.Count());
        Assert.All(error.Failures, f => Assert.StartsWith("Exchange:Audit:", f, StringComparison.Ordinal));
    }

    [Fact]
    public void The_defaults_are_valid_and_configured_values_are_taken()
    {
        Assert.Equal(512, Options([]).Audit.BatchSize);

        var audit = Options(new() { ["Exchange:Audit:BatchSize"] = "64", ["Exchange:Audit:FlushInterval"] = "00:00:01" }).Audit;

        Assert.Equal((64, TimeSpan.FromSeconds(1)), (audit.BatchSize, audit.FlushInterval));
    }
}
