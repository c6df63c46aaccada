using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using Exchange.Server.Identity;
using Exchange.Testing.Hosting;
using Google.Protobuf;
using Google.Rpc;
using Grpc.Core;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Serilog.Core;
using Serilog.Events;

namespace Exchange.Server.Tests.Wire;

/// <summary>
/// A node reached with hand-made HTTP/2 gRPC requests (any bytes, any headers), as no gRPC
/// library would send them, and the node's log as Serilog events.
/// </summary>
public sealed class RawGrpcNode : IDisposable
{
    public const string Filer = "post-cn";
    public const string Submit = "/exchange.declaration.v1.DeclarationService/SubmitDeclaration";
    public const string BulkSubmit = "/exchange.declaration.v1.DeclarationService/BulkSubmitDeclarations";

    private readonly HttpClient _http;

    public RawGrpcNode(IDictionary<string, string?>? settings = null)
    {
        var node = new ExchangeNode(settings: settings);
        Node = node;
        var logged = Log;
        Started = node.WithWebHostBuilder(web => web.ConfigureTestServices(services => services.AddSingleton<ILogEventSink>(logged)));
        _http = new HttpClient(Started.Server.CreateHandler()) { BaseAddress = Started.Server.BaseAddress };
    }

    public ExchangeNode Node { get; }

    /// <summary>The node as started, with the log capture.</summary>
    public Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactory<Program> Started { get; }

    public CapturedLog Log { get; } = new();

    /// <summary>One length-prefixed gRPC frame: the compressed flag, a 4-byte big-endian length, the bytes.</summary>
    public static byte[] Frame(byte[] message, byte compressedFlag = 0, uint? announcedLength = null)
    {
        var frame = new byte[5 + message.Length];
        frame[0] = compressedFlag;
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(1), announcedLength ?? (uint)message.Length);
        message.CopyTo(frame, 5);
        return frame;
    }

    /// <summary>Posts <paramref name="body"/> as a gRPC request from <see cref="Filer"/> and reads the call's status.</summary>
    public Task<RawAnswer> CallAsync(string method, byte[] body, string? encoding = null) => CallAsync(_http, method, body, encoding);

    /// <summary>The same over any HTTP/2 client, e.g. to a node process (h2c with prior knowledge).</summary>
    public static async Task<RawAnswer> CallAsync(HttpClient http, string method, byte[] body, string? encoding = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, method)
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new ByteArrayContent(body),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/grpc");
        request.Headers.TryAddWithoutValidation("te", "trailers");
        request.Headers.TryAddWithoutValidation(DevelopmentHeaderIdentityResolver.FilerHeader, Filer);
        if (encoding is not null)
        {
            request.Headers.TryAddWithoutValidation("grpc-encoding", encoding);
        }
        using var response = await http.SendAsync(request);
        await response.Content.ReadAsByteArrayAsync(); // trailers arrive after the body
        string? Header(string name) =>
            response.TrailingHeaders.TryGetValues(name, out var inTrailers) ? inTrailers.First()
            : response.Headers.TryGetValues(name, out var inHeaders) ? inHeaders.First() : null; // trailers-only answer
        var details = Header("grpc-status-details-bin");
        return new RawAnswer(
            (StatusCode)int.Parse(Header("grpc-status") ?? "-1", System.Globalization.CultureInfo.InvariantCulture),
            details is null ? null : Google.Rpc.Status.Parser.ParseFrom(Convert.FromBase64String(details.PadRight(details.Length + (4 - details.Length % 4) % 4, '='))),
            details?.Length ?? 0,
            Header("grpc-accept-encoding"));
    }

    public void Dispose()
    {
        _http.Dispose();
        Started.Dispose();
        Node.Dispose();
    }
}

/// <summary>What a raw call got back: the status code, the rich status, the size of its trailer value, grpc-accept-encoding.</summary>
public sealed record RawAnswer(StatusCode Code, Google.Rpc.Status? Details, int DetailsTrailerLength, string? AcceptEncoding)
{
    public ErrorInfo? Info => Details?.Details.FirstOrDefault(d => d.Is(ErrorInfo.Descriptor))?.Unpack<ErrorInfo>();
}

/// <summary>A Serilog sink the node picks up from its services (Program: ReadFrom.Services).</summary>
public sealed class CapturedLog : ILogEventSink
{
    private readonly ConcurrentQueue<LogEvent> _events = new();

    public IReadOnlyCollection<LogEvent> Events => _events;

    public void Emit(LogEvent logEvent) => _events.Enqueue(logEvent);

    public void Clear() => _events.Clear();
}
