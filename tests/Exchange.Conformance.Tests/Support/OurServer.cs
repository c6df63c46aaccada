using Exchange.Testing.Hosting;

namespace Exchange.Conformance.Tests.Support;

/// <summary>Our real server as a process on a free loopback port, shared by the tests of a class.</summary>
public sealed class OurServer : IAsyncLifetime
{
    private readonly TempDirectory _data = new();

    public ServerProcess Process { get; private set; } = null!;

    /// <summary>host:port, as a vendor would pass it to --target.</summary>
    public string Target => $"{Process.Address.Host}:{Process.Address.Port}";

    public async Task InitializeAsync() => Process = await ServerProcess.StartAsync(_data.Path);

    public Task DisposeAsync()
    {
        Process?.Dispose();
        _data.Dispose();
        return Task.CompletedTask;
    }
}
