using Exchange.Contracts.Declaration.V1;
using Exchange.Testing.Hosting;
using Grpc.Core;

namespace Exchange.Server.Tests.RateLimiting;

/// <summary>Nodes with small limits, and the calls the rate-limit tests make on them. Dispose to stop every node.</summary>
public sealed class LimitedNodes : IDisposable
{
    /// <summary>Calls tried before a test gives up waiting for a refusal (the buckets refill meanwhile, slowly).</summary>
    public const int MaxCalls = 100;

    private readonly List<ExchangeNode> _nodes = [];

    /// <summary>A node with these Exchange:RateLimits settings, e.g. ("Filers:PermitsPerSecond", "5"); the last of a key wins.</summary>
    public ExchangeNode Start(params (string Key, string Value)[] rateLimits)
    {
        var settings = new Dictionary<string, string?>();
        foreach (var (key, value) in rateLimits)
        {
            settings[$"Exchange:RateLimits:{key}"] = value; // a later setting wins
        }
        var node = new ExchangeNode(settings: settings);
        _nodes.Add(node);
        return node;
    }

    public void Dispose() => _nodes.ForEach(n => n.Dispose());

    /// <summary>A cheap call of the filer's own: the first page of its declarations.</summary>
    public static Func<Task> ListCall(DeclarationService.DeclarationServiceClient client, string filer) =>
        () => client.ListDeclarationsAsync(new ListDeclarationsRequest { Parent = $"filers/{filer}" }).ResponseAsync;

    /// <summary>Makes the call until it is refused; returns how many were admitted first, and the refusal.</summary>
    public static async Task<(int Admitted, RpcException Refusal)> CallUntilRefusedAsync(Func<Task> call)
    {
        for (var admitted = 0; admitted < MaxCalls; admitted++)
        {
            try
            {
                await call();
            }
            catch (RpcException refusal)
            {
                return (admitted, refusal);
            }
        }
        Assert.Fail($"None of {MaxCalls} calls was refused.");
        throw new InvalidOperationException("Unreachable.");
    }

    /// <summary>A watch of the filer's events from the start, and its first event read: the node has admitted it.</summary>
    public static async Task<AsyncServerStreamingCall<WatchDeclarationEventsResponse>> OpenWatchAsync(
        DeclarationService.DeclarationServiceClient client, string filer, DateTime? deadline = null)
    {
        var call = client.WatchDeclarationEvents(
            new WatchDeclarationEventsRequest { Parent = $"filers/{filer}", IncludeHistory = true }, deadline: deadline);
        try
        {
            using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            Assert.True(await call.ResponseStream.MoveNext(bound.Token));
            return call;
        }
        catch
        {
            call.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Retries <paramref name="attempt"/> while it fails with <paramref name="code"/>: for what the
    /// node does shortly after the client moves on (e.g. releasing a closed stream's slot). A bound
    /// on attempts, not a timing assertion.
    /// </summary>
    public static async Task<T> EventuallyAsync<T>(StatusCode code, Func<Task<T>> attempt)
    {
        for (var tries = 1; ; tries++)
        {
            try
            {
                return await attempt();
            }
            catch (RpcException error) when (error.StatusCode == code && tries < 200)
            {
                await Task.Delay(50);
            }
        }
    }
}
