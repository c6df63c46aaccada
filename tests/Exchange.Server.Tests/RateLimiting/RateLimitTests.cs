using Exchange.Contracts.Declaration.V1;
using Exchange.Server.Tests.Support;
using Exchange.Testing;
using Google.Rpc;
using Grpc.Core;
using Grpc.Health.V1;

namespace Exchange.Server.Tests.RateLimiting;

/// <summary>Per-caller token buckets (Exchange:RateLimits): who is refused, how, and who is not.</summary>
public sealed class RateLimitTests : IDisposable
{
    private const string Filer = "express-nl";
    private const string OtherFiler = "post-be";
    private readonly LimitedNodes _nodes = new();

    public void Dispose() => _nodes.Dispose();

    /// <summary>Five calls a second, five at once: small enough to reach in a test.</summary>
    private static readonly (string, string)[] FiveASecond = [("Filers:PermitsPerSecond", "5"), ("Filers:Burst", "5")];

    [Fact]
    public async Task A_caller_over_its_limit_is_refused_with_its_limit_and_the_delay_to_wait()
    {
        var client = _nodes.Start(FiveASecond).ClientFor(Filer);

        var (admitted, refusal) = await LimitedNodes.CallUntilRefusedAsync(LimitedNodes.ListCall(client, Filer));

        Assert.True(admitted >= 5, $"The burst admits 5 calls at once; {admitted} were admitted.");
        var status = RpcErrors.Expect(refusal, StatusCode.ResourceExhausted, "RATE_LIMITED");
        var info = status.GetDetail<ErrorInfo>()!;
        Assert.Equal($"filers/{Filer}", info.Metadata["caller"]);
        Assert.Equal("5", info.Metadata["limit"]);
        var retry = status.GetDetail<RetryInfo>();
        Assert.NotNull(retry);
        Assert.True(retry!.RetryDelay.ToTimeSpan() > TimeSpan.Zero);
    }

    [Fact]
    public async Task Another_caller_is_admitted_while_one_is_refused()
    {
        var node = _nodes.Start(FiveASecond);
        var client = node.ClientFor(Filer);
        var other = node.ClientFor(OtherFiler);

        var (_, refusal) = await LimitedNodes.CallUntilRefusedAsync(LimitedNodes.ListCall(client, Filer));
        var page = await other.ListDeclarationsAsync(new ListDeclarationsRequest { Parent = $"filers/{OtherFiler}" });

        Assert.Equal(StatusCode.ResourceExhausted, refusal.StatusCode);
        Assert.Empty(page.Declarations);
    }

    [Fact]
    public async Task A_refused_caller_that_waits_the_stated_delay_is_admitted_again()
    {
        var client = _nodes.Start(FiveASecond).ClientFor(Filer);
        var (_, refusal) = await LimitedNodes.CallUntilRefusedAsync(LimitedNodes.ListCall(client, Filer));
        var delay = refusal.GetRpcStatus()!.GetDetail<RetryInfo>()!.RetryDelay.ToTimeSpan();

        await Task.Delay(delay);
        var declaration = await client.SubmitAsync(Filer);

        Assert.Equal(DeclarationStatus.Accepted, declaration.Status);
    }

    [Theory]
    [InlineData("Enabled", "false")]
    [InlineData("Filers:PermitsPerSecond", "0")]
    public async Task Disabled_limits_admit_every_call(string key, string value)
    {
        var client = _nodes.Start([.. FiveASecond, (key, value)]).ClientFor(Filer);
        var call = LimitedNodes.ListCall(client, Filer);

        for (var i = 0; i < LimitedNodes.MaxCalls; i++)
        {
            await call();
        }
    }

    [Fact]
    public async Task Each_item_of_a_bulk_stream_takes_a_token_and_a_stream_over_its_rate_waits_rather_than_fails()
    {
        // Two a second, ten at once: the stream's 14 declarations need 15 tokens (one to open,
        // one per read after the first, one for the end), so it must wait for the bucket to refill.
        var client = _nodes.Start(("Filers:PermitsPerSecond", "2"), ("Filers:Burst", "10")).ClientFor(Filer);
        using var call = client.BulkSubmitDeclarations();

        for (var i = 0; i < 14; i++)
        {
            await call.RequestStream.WriteAsync(new BulkSubmitDeclarationsRequest
            {
                Parent = $"filers/{Filer}", Declaration = SampleDeclarations.PostalGift($"LRN-RL-{i}"), RequestId = Guid.NewGuid().ToString(),
            });
        }
        await call.RequestStream.CompleteAsync();
        var answers = await call.ResponseStream.ReadAllAsync().ToListAsync();
        // The stream emptied the bucket: the caller's next calls are refused at once (a stream
        // counted once would have left 9 tokens; the refill admits one call per 500 ms meanwhile).
        var (admitted, refusal) = await LimitedNodes.CallUntilRefusedAsync(LimitedNodes.ListCall(client, Filer));

        Assert.Equal(14, answers.Count);
        Assert.All(answers, a => Assert.Equal(BulkSubmitDeclarationsResponse.ResultOneofCase.Declaration, a.ResultCase));
        Assert.True(admitted < 5, $"{admitted} calls were admitted after the stream emptied the bucket.");
        RpcErrors.Expect(refusal, StatusCode.ResourceExhausted, "RATE_LIMITED");
    }

    [Fact]
    public async Task Unnamed_callers_share_one_bucket_and_health_checks_are_never_limited()
    {
        var node = _nodes.Start(("Anonymous:PermitsPerSecond", "1"), ("Anonymous:Burst", "1"));
        var anonymous = node.ClientFor(null);
        var health = new Health.HealthClient(node.CallInvokerFor(null));

        // The first is admitted by the limit (and refused as unauthenticated); the next is not admitted at all.
        var (_, refusal) = await LimitedNodes.CallUntilRefusedAsync(async () =>
        {
            try
            {
                await LimitedNodes.ListCall(anonymous, Filer)();
            }
            catch (RpcException error) when (error.StatusCode == StatusCode.Unauthenticated)
            {
            }
        });
        var status = RpcErrors.Expect(refusal, StatusCode.ResourceExhausted, "RATE_LIMITED");
        Assert.Equal("anonymous", status.GetDetail<ErrorInfo>()!.Metadata["caller"]);

        for (var i = 0; i < 10; i++)
        {
            var reply = await health.CheckAsync(new HealthCheckRequest());
            Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, reply.Status);
        }
    }
}
