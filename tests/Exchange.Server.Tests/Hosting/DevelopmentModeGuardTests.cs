using Exchange.Server.Hosting;
using Microsoft.Extensions.Configuration;

namespace Exchange.Server.Tests.Hosting;

public sealed class DevelopmentModeGuardTests
{
    /// <summary>The guard is about the development scheme, which a node runs only when configured to (the default is Certificate).</summary>
    private static readonly AuthenticationOptions Development = new() { Mode = AuthenticationOptions.DevelopmentMode };

    private static IConfiguration Endpoints(params string[] urls) => new ConfigurationBuilder()
        .AddInMemoryCollection(urls.Select((url, i) => new KeyValuePair<string, string?>($"Kestrel:Endpoints:E{i}:Url", url)))
        .Build();

    [Theory]
    [InlineData("http://127.0.0.1:5080")]
    [InlineData("http://localhost:5080")]
    [InlineData("http://[::1]:5080")]
    public void Loopback_endpoints_may_use_the_development_scheme(string url) =>
        DevelopmentModeGuard.Check(Endpoints(url), Development);

    [Theory]
    [InlineData("http://0.0.0.0:5080")]
    [InlineData("http://*:5080")]
    [InlineData("http://+:5080")]
    [InlineData("http://192.0.2.10:5080")]
    public void Other_endpoints_refuse_to_start_in_development_mode(string url)
    {
        var error = Assert.Throws<InvalidOperationException>(() =>
            DevelopmentModeGuard.Check(Endpoints("http://127.0.0.1:5080", url), Development));

        Assert.Contains(url, error.Message);
    }

    [Fact]
    public void An_explicit_override_allows_it() =>
        DevelopmentModeGuard.Check(Endpoints("http://0.0.0.0:5080"), new AuthenticationOptions { Mode = AuthenticationOptions.DevelopmentMode, AllowDevelopmentModeOffLoopback = true });
}
