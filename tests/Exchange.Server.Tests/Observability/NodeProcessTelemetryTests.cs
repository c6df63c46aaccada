using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Exchange.Contracts.Declaration.V1;
using Exchange.Server.Identity;
using Exchange.Server.Tests.Support;
using Exchange.Testing.Hosting;
using Grpc.Core.Interceptors;

namespace Exchange.Server.Tests.Observability;

/// <summary>
/// The real node as a process: Prometheus scrapes GET /metrics on the HTTP/1.1 endpoint (the
/// gRPC one is HTTP/2 only); a caller's trace continues in the node (W3C traceparent on the gRPC
/// call), whose spans reach a configured OTLP collector, and whose console log shows the trace id.
/// </summary>
public sealed class NodeProcessTelemetryTests : IDisposable
{
    private const string Filer = "process-filer";
    private const string CallerSourceName = "Exchange.Tests.Caller";
    private static readonly ActivitySource CallerSource = new(CallerSourceName);
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task Metrics_on_the_http1_port_and_traces_to_the_collector_with_the_callers_trace_id()
    {
        using var collector = new FakeOtlpCollector();
        using var server = await ServerProcess.StartAsync(_directory.Path, new Dictionary<string, string>
        {
            ["Exchange__Telemetry__OtlpEndpoint"] = collector.Address.ToString(),
            ["Exchange__Telemetry__OtlpProtocol"] = "http/protobuf",
            ["OTEL_BSP_SCHEDULE_DELAY"] = "100", // export spans every 100 ms rather than 5 s
            // The request line of a call that succeeded is written at Debug (RequestLogLevels).
            [TraceTests.RequestLogAtDebug.Replace(":", "__", StringComparison.Ordinal)] = "Debug",
        });
        using var listener = new ActivityListener
        {
            // By name: comparing with the static field here would run its initializer re-entrantly.
            ShouldListenTo = source => source.Name == CallerSourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
        };
        ActivitySource.AddActivityListener(listener);
        using var channel = server.OpenChannel();
        var client = new DeclarationService.DeclarationServiceClient(channel.Intercept(metadata =>
        {
            metadata.Add(DevelopmentHeaderIdentityResolver.FilerHeader, Filer);
            return metadata;
        }));

        ActivityTraceId traceId;
        using (var caller = CallerSource.StartActivity("caller submits")!)
        {
            traceId = caller.TraceId;
            await client.SubmitDeclarationAsync(Requests.Submit(Filer));
        }

        using var http = new HttpClient { BaseAddress = server.HttpAddress };
        using var response = await http.GetAsync("/metrics");
        response.EnsureSuccessStatusCode();
        Assert.Equal(new Version(1, 1), response.Version);
        var metrics = new PrometheusText(await response.Content.ReadAsStringAsync());
        Assert.Equal(1, metrics.Sum("exchange_declarations_accepted_total", ("channel", "postal"), ("submission", "unary")));
        Assert.True(metrics.Sum("http_server_request_duration_seconds_count",
            ("http_route", "/exchange.declaration.v1.DeclarationService/SubmitDeclaration"), ("rpc_grpc_status_code", "0")) >= 1);

        // The node's server span of that call is in the caller's trace, and reaches the collector.
        var traceBytes = Convert.FromHexString(traceId.ToHexString());
        await WaitForAsync(() => collector.Received("/v1/traces").Any(body => body.AsSpan().IndexOf(traceBytes) >= 0),
            () => $"No span of trace {traceId} reached the collector. Paths seen: {string.Join(", ", collector.Paths)}.\n{server.Output}");
        // The console log line of that request shows the trace id.
        await WaitForAsync(() => server.Output.Contains(traceId.ToHexString(), StringComparison.Ordinal),
            () => $"The console log does not show trace id {traceId}:\n{server.Output}");
    }

    private static async Task WaitForAsync(Func<bool> condition, Func<string> failure)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, failure());
            await Task.Delay(100);
        }
    }

    /// <summary>An OTLP/HTTP collector on a loopback port that keeps what it receives and answers 200 (an empty export response).</summary>
    private sealed class FakeOtlpCollector : IDisposable
    {
        private readonly HttpListener _listener = new();
        private readonly ConcurrentQueue<(string Path, byte[] Body)> _received = new();
        private readonly Task _serving;

        public FakeOtlpCollector()
        {
            var port = FreeLoopbackPort();
            Address = new Uri($"http://127.0.0.1:{port}/");
            _listener.Prefixes.Add(Address.ToString());
            _listener.Start();
            _serving = Task.Run(ServeAsync);
        }

        public Uri Address { get; }

        public IEnumerable<string> Paths => _received.Select(r => r.Path).Distinct();

        public IEnumerable<byte[]> Received(string path) => _received.Where(r => r.Path == path).Select(r => r.Body);

        public void Dispose()
        {
            _listener.Close();
            try
            {
                _serving.Wait(TimeSpan.FromSeconds(5));
            }
            catch (AggregateException)
            {
                // The listener was closed under a pending request.
            }
        }

        private async Task ServeAsync()
        {
            while (_listener.IsListening)
            {
                HttpListenerContext context;
                try
                {
                    context = await _listener.GetContextAsync();
                }
                catch (Exception error) when (error is HttpListenerException or ObjectDisposedException or InvalidOperationException)
                {
                    return;
                }
                using var body = new MemoryStream();
                await context.Request.InputStream.CopyToAsync(body);
                _received.Enqueue((context.Request.Url!.AbsolutePath, body.ToArray()));
                context.Response.StatusCode = 200;
                context.Response.ContentType = "application/x-protobuf";
                context.Response.Close();
            }
        }

        private static int FreeLoopbackPort()
        {
            using var socket = new TcpListener(IPAddress.Loopback, 0);
            socket.Start();
            return ((IPEndPoint)socket.LocalEndpoint).Port;
        }
    }
}
