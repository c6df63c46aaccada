using Exchange.Server.Tests.Support;
using Google.Protobuf;
using Grpc.Core;

namespace Exchange.Server.Tests.Wire;

/// <summary>
/// Unreadable requests count against the caller's rate limit like any call (issue 18: 400
/// garbage calls were none of them limited, as grpc-dotnet refused them before the interceptors).
/// </summary>
public sealed class UnreadableRequestRateLimitTests : IDisposable
{
    private const int Burst = 3;

    private readonly RawGrpcNode _node = new(new Dictionary<string, string?>
    {
        ["Exchange:RateLimits:Filers:PermitsPerSecond"] = "1",
        ["Exchange:RateLimits:Filers:Burst"] = Burst.ToString(System.Globalization.CultureInfo.InvariantCulture),
    });

    public void Dispose() => _node.Dispose();

    [Theory]
    [InlineData("undecodable protobuf")]
    [InlineData("two messages on a unary call")]
    [InlineData("unknown grpc-encoding")]
    public async Task Unreadable_requests_use_up_the_callers_bucket_and_are_then_refused_as_rate_limited(string what)
    {
        var message = Requests.Submit(RawGrpcNode.Filer).ToByteArray();
        var valid = RawGrpcNode.Frame(message);
        var (body, encoding) = what switch
        {
            "undecodable protobuf" => (RawGrpcNode.Frame([0x0F, 0x01]), null),
            "two messages on a unary call" => ([.. valid, .. valid], null),
            _ => (RawGrpcNode.Frame(message, compressedFlag: 1), "x-snappy"),
        };

        var reasons = new List<string?>();
        for (var call = 0; call < 4 * Burst; call++)
        {
            reasons.Add((await _node.CallAsync(RawGrpcNode.Submit, body, encoding)).Info?.Reason);
        }

        // The bucket starts full: the first calls are read and refused for what they are...
        Assert.All(reasons.Take(Burst), reason => Assert.NotEqual("RATE_LIMITED", reason));
        // ...and then the limiter refuses them (refilling 1 a second, 9 calls cannot all find a permit).
        Assert.Contains("RATE_LIMITED", reasons.Skip(Burst));
    }
}
