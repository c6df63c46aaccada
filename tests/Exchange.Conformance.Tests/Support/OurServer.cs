using Exchange.Testing.Hosting;

namespace Exchange.Conformance.Tests.Support;

/// <summary>
/// Our real server as a process on a free loopback port, shared by the tests of a class. It
/// assesses with ServerProcess's delay, so declarations stay ACCEPTED: a node that decides later.
/// </summary>
public class OurServer : IAsyncLifetime
{
    private readonly TempDirectory _data = new();

    public ServerProcess Process { get; private set; } = null!;

    /// <summary>host:port, as a vendor would pass it to --target.</summary>
    public string Target => $"{Process.Address.Host}:{Process.Address.Port}";

    /// <summary>Settings over ServerProcess's own; none here.</summary>
    protected virtual IDictionary<string, string>? Settings => null;

    public async Task InitializeAsync() => Process = await ServerProcess.StartAsync(_data.Path, Settings);

    public Task DisposeAsync()
    {
        Process?.Dispose();
        _data.Dispose();
        return Task.CompletedTask;
    }
}

/// <summary>
/// Our server deciding every submission before recording it, as a node with the defaults does
/// (README's quick start): the kit's sale collected on delivery is assessed when it arrives, and
/// its undervalued sale is held, so the revenue and disposition checks take their happy path.
/// </summary>
public sealed class OurAssessingServer : OurServer
{
    protected override IDictionary<string, string> Settings => new Dictionary<string, string>
    {
        ["Exchange__Assessment__Delay"] = "00:00:00",
    };
}
