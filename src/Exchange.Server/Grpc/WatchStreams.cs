using Exchange.Core.Errors;
using Grpc.Core;

namespace Exchange.Server.Grpc;

/// <summary>How every watch (a server stream with no natural end) is served: until the client leaves or the node stops.</summary>
internal static class WatchStreams
{
    /// <summary>
    /// Writes each item of <paramref name="watch"/> as a response. A watch never ends by itself: it
    /// ends when the node shuts down so shutdown stays prompt, with UNAVAILABLE so the client
    /// resumes from its last cursor on another connection.
    /// </summary>
    public static async Task ServeAsync<TItem, TResponse>(
        Func<CancellationToken, IAsyncEnumerable<TItem>> watch,
        Func<TItem, TResponse> respond,
        IServerStreamWriter<TResponse> responseStream,
        ServerCallContext context,
        IHostApplicationLifetime lifetime)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken, lifetime.ApplicationStopping);
        try
        {
            await foreach (var item in watch(stop.Token))
            {
                await responseStream.WriteAsync(respond(item), stop.Token);
            }
        }
        catch (OperationCanceledException) when (lifetime.ApplicationStopping.IsCancellationRequested)
        {
            throw new NodeUnavailableException("The node is shutting down; resume the watch after your last cursor.");
        }
    }
}
