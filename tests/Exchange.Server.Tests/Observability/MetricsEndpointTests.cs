using Exchange.Contracts.Declaration.V1;
using Exchange.Server.Tests.Enforcement;
using Exchange.Server.Tests.Support;
using Exchange.Testing;
using Exchange.Testing.Hosting;
using Grpc.Core;

namespace Exchange.Server.Tests.Observability;

/// <summary>
/// GET /metrics (Prometheus text format) shows the node's own metrics and the request metrics,
/// with their labels, and the values move with the traffic.
/// </summary>
[Collection(AloneInProcess.Name)]
public sealed class MetricsEndpointTests : IDisposable
{
    private const string Filer = "metrics-filer";
    private readonly ExchangeNode _node = EnforcementFlow.AssessingNode();

    public void Dispose() => _node.Dispose();

    [Fact]
    public async Task A_submitted_and_assessed_declaration_shows_in_the_exchange_metrics()
    {
        var client = _node.ClientFor(Filer);
        var decided = await client.SubmitAndAwaitDecisionAsync(Filer, SampleDeclarations.ExpressMarketplaceSale());
        Assert.Equal(DeclarationStatus.Assessed, decided.Status);

        var metrics = await ScrapeUntilAsync(m => m.Sum("exchange_decisions_total", ("outcome", "release")) >= 1
            && m.Sum("exchange_store_operation_duration_seconds_count", ("operation", "get")) >= 1);

        Assert.Equal(1, metrics.Sum("exchange_declarations_accepted_total", ("channel", "express"), ("submission", "unary")));
        Assert.Equal(1, metrics.Sum("exchange_decisions_total", ("outcome", "release"), ("decided_by", "risk-engine")));
        Assert.True(metrics.Sum("exchange_assessment_duration_seconds_count", ("outcome", "ok")) >= 1);
        Assert.True(metrics.Sum("exchange_assessment_batch_size_sum") >= 1);
        Assert.True(metrics.Has("exchange_assessment_queue_oldest_age_seconds"));
        // Every store call is timed, by operation and outcome: the group-committed insert (decided
        // on arrival), the assessor's queue read, the filer's read.
        foreach (var operation in new[] { "insert_many", "list_due_for_assessment", "get" })
        {
            Assert.True(metrics.Sum("exchange_store_operation_duration_seconds_count", ("operation", operation), ("outcome", "ok")) > 0, operation);
            Assert.True(metrics.Has("exchange_store_operation_duration_seconds_bucket", ("operation", operation), ("le", "0.001")), operation);
        }
    }

    [Fact]
    public async Task gRPC_calls_are_counted_by_method_and_grpc_status()
    {
        var client = _node.ClientFor(Filer);
        await client.SubmitAsync(Filer);
        var invalid = SampleDeclarations.PostalGift();
        invalid.Items[0].HsCode = "not-a-code";
        await RpcErrors.ExpectAsync(StatusCode.InvalidArgument, "VALIDATION_FAILED",
            () => client.SubmitDeclarationAsync(Requests.Submit(Filer, invalid)).ResponseAsync);

        const string route = "/exchange.declaration.v1.DeclarationService/SubmitDeclaration";
        var metrics = await ScrapeUntilAsync(m => m.Sum("http_server_request_duration_seconds_count", ("http_route", route)) >= 2);

        Assert.Equal(1, metrics.Sum("http_server_request_duration_seconds_count", ("http_route", route), ("rpc_grpc_status_code", "0")));
        Assert.Equal(1, metrics.Sum("http_server_request_duration_seconds_count", ("http_route", route), ("rpc_grpc_status_code", "3")));
        // A refused declaration is not an accepted one.
        Assert.Equal(1, metrics.Sum("exchange_declarations_accepted_total"));
    }

    [Fact]
    public async Task A_retry_answered_from_its_idempotency_record_counts_once()
    {
        var client = _node.ClientFor(Filer);
        var request = Requests.Submit(Filer);
        await client.SubmitDeclarationAsync(request);
        await client.SubmitDeclarationAsync(request);

        var metrics = await ScrapeUntilAsync(m => m.Sum("exchange_declarations_accepted_total") >= 1);

        Assert.Equal(1, metrics.Sum("exchange_declarations_accepted_total", ("channel", "postal"), ("submission", "unary")));
    }

    [Fact]
    public async Task The_scrape_is_prometheus_text_with_runtime_metrics()
    {
        using var http = _node.Server.CreateClient();

        using var response = await http.GetAsync("/metrics");

        response.EnsureSuccessStatusCode();
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        var metrics = new PrometheusText(await response.Content.ReadAsStringAsync());
        Assert.Contains("# TYPE exchange_", metrics.Text, StringComparison.Ordinal); // the meter is published before any traffic
        Assert.True(metrics.Has("dotnet_gc_heap_total_allocated_bytes_total"));
        Assert.True(metrics.Has("target_info", ("service_name", "exchange-node")));
    }

    /// <summary>Scrapes until the condition holds (measurements recorded after a response lag it slightly), at most 10 s.</summary>
    private async Task<PrometheusText> ScrapeUntilAsync(Func<PrometheusText, bool> condition)
    {
        using var http = _node.Server.CreateClient();
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            var metrics = new PrometheusText(await http.GetStringAsync("/metrics"));
            if (condition(metrics) || DateTime.UtcNow > deadline)
            {
                return metrics;
            }
            await Task.Delay(100);
        }
    }
}
