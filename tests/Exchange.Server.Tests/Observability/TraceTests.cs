using System.Collections.Concurrent;
using System.Diagnostics;
using Exchange.Contracts.Declaration.V1;
using Exchange.Core.Telemetry;
using Exchange.Server.Identity;
using Exchange.Server.Tests.Enforcement;
using Exchange.Server.Tests.Support;
using Exchange.Testing;
using Exchange.Testing.Hosting;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Serilog.Core;
using Serilog.Events;

namespace Exchange.Server.Tests.Observability;

/// <summary>
/// Traces: a request's log events carry its trace id (taken from the caller's W3C traceparent),
/// and the assessor's work is one span per batch with a span per decision and per store call.
/// </summary>
[Collection(AloneInProcess.Name)]
public sealed class TraceTests : IDisposable
{
    private const string Filer = "trace-filer";
    private const string CallerSourceName = "Exchange.Tests.TraceCaller";

    /// <summary>The setting that lowers the request log to Debug, where a call that succeeded is written.</summary>
    internal const string RequestLogAtDebug = "Serilog:MinimumLevel:Override:Serilog.AspNetCore.RequestLoggingMiddleware";

    /// <summary>The test as a traced caller. Listeners match it by name: a listener comparing with this field would run its initializer re-entrantly and see null.</summary>
    private static readonly ActivitySource CallerSource = new(CallerSourceName);
    private readonly ExchangeNode _node = EnforcementFlow.AssessingNode();

    public void Dispose() => _node.Dispose();

    [Fact]
    public async Task Log_events_written_during_a_request_carry_the_trace_id_of_that_request()
    {
        var sink = new CapturingSink();
        // A call that succeeds is logged at Debug (RequestLogLevels): the operator's switch shows it.
        using var node = _node.WithWebHostBuilder(web => web
            .UseSetting(RequestLogAtDebug, "Debug")
            .ConfigureTestServices(services => services.AddSingleton<ILogEventSink>(sink)));
        using var channel = GrpcChannel.ForAddress(node.Server.BaseAddress, new GrpcChannelOptions { HttpHandler = node.Server.CreateHandler() });
        var client = new DeclarationService.DeclarationServiceClient(channel);
        using var listener = ListenTo(CallerSourceName, new ConcurrentQueue<Activity>());
        ActivityTraceId traceId;

        // The caller's trace goes with the call (traceparent); the node's request span continues it.
        using (var caller = CallerSource.StartActivity("caller submits")!)
        {
            traceId = caller.TraceId;
            await client.SubmitDeclarationAsync(Requests.Submit(Filer), new Metadata { { DevelopmentHeaderIdentityResolver.FilerHeader, Filer } });
        }

        // Serilog's request log ("HTTP POST ... responded") is written inside the request.
        var logged = await EventuallyAsync(() => sink.Events.FirstOrDefault(e =>
            e.Properties.TryGetValue("RequestPath", out var path) && path.ToString().Contains("SubmitDeclaration", StringComparison.Ordinal)));
        Assert.Equal(traceId, logged.TraceId);
        Assert.NotNull(logged.SpanId);
        // Events outside any request (start-up) carry none, rather than a made-up one.
        Assert.Contains(sink.Events, e => e.TraceId is null);
    }

    [Fact]
    public async Task The_assessor_traces_each_batch_with_a_span_per_decision_and_per_store_call()
    {
        var spans = new ConcurrentQueue<Activity>();
        using var listener = ListenTo(ExchangeActivities.SourceName, spans);
        var client = _node.ClientFor(Filer);

        var decided = await client.SubmitAndAwaitDecisionAsync(Filer, SampleDeclarations.ExpressMarketplaceSale());

        // Other tests' nodes may be assessing in this process too: find this declaration's decision.
        var decision = await EventuallyAsync(() => spans.FirstOrDefault(s =>
            s.OperationName == ExchangeActivities.DecisionName && (string?)s.GetTagItem(ExchangeActivities.DeclarationTag) == decided.Name));
        Assert.Equal("risk-engine", decision.GetTagItem("exchange.decided_by"));
        var batch = spans.Single(s => s.SpanId == decision.ParentSpanId);
        Assert.Equal(ExchangeActivities.AssessmentBatchName, batch.OperationName);
        Assert.Equal(ActivityStatusCode.Ok, batch.Status);
        Assert.True((int)batch.GetTagItem("exchange.batch.size")! >= 1);
        var storeCalls = spans.Where(s => s.ParentSpanId == batch.SpanId && s.OperationName.StartsWith("exchange.store.", StringComparison.Ordinal))
            .Select(s => s.OperationName).ToList();
        // Decided on arrival: the decisions are inserted with the declarations, in one write.
        Assert.Contains("exchange.store.insert_many", storeCalls);
        Assert.Contains("exchange.store.get_consignee_activity", storeCalls);
    }

    /// <summary>Records every span of the named source (compared by name: see <see cref="CallerSource"/>).</summary>
    private static ActivityListener ListenTo(string sourceName, ConcurrentQueue<Activity> stopped)
    {
        var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == sourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = stopped.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);
        return listener;
    }

    private static async Task<T> EventuallyAsync<T>(Func<T?> find) where T : class
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            if (find() is { } found)
            {
                return found;
            }
            Assert.True(DateTime.UtcNow < deadline, "Not seen within 10 s.");
            await Task.Delay(50);
        }
    }

    /// <summary>A Serilog sink the node picks up from its services (Program: ReadFrom.Services).</summary>
    private sealed class CapturingSink : ILogEventSink
    {
        private readonly ConcurrentQueue<LogEvent> _events = new();

        public IReadOnlyCollection<LogEvent> Events => _events;

        public void Emit(LogEvent logEvent) => _events.Enqueue(logEvent);
    }
}
