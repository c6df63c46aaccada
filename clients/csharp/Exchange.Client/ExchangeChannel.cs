using Grpc.Net.Client;

namespace Exchange.Client;

/// <summary>
/// The one place that opens a connection to an Exchange node. The filer header is not added
/// here but per call (<see cref="CommandContext.CallOptions"/>), so a client created any other
/// way (a test's in-memory channel, a vendor's own channel) sends it too.
/// </summary>
public static class ExchangeChannel
{
    public const string DefaultAddress = "http://127.0.0.1:5080";

    /// <summary>
    /// A channel to <paramref name="address"/>. An http:// address speaks plain HTTP/2 (h2c), as a
    /// local node does; https:// uses TLS. Keep-alive pings let a long watch notice a dead
    /// connection within seconds instead of waiting forever on a silent socket.
    /// </summary>
    public static GrpcChannel Create(string address) => GrpcChannel.ForAddress(address, new GrpcChannelOptions
    {
        HttpHandler = new SocketsHttpHandler
        {
            KeepAlivePingDelay = TimeSpan.FromSeconds(20),
            KeepAlivePingTimeout = TimeSpan.FromSeconds(10),
            KeepAlivePingPolicy = HttpKeepAlivePingPolicy.WithActiveRequests,
            // Bulk submission with --parallel opens several streams; let them spread over
            // connections rather than queue behind the server's concurrent-stream limit.
            EnableMultipleHttp2Connections = true,
        },
    });
}
