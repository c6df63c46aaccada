using Google.Rpc;
using Grpc.Core;

namespace Exchange.Server.Tests.Support;

/// <summary>Reads the rich error model out of an RpcException and asserts on it.</summary>
public static class RpcErrors
{
    public const string Domain = "exchange.ecommerce-customs.org";

    /// <summary>Runs the call, expects it to fail with <paramref name="code"/> and <paramref name="reason"/>, and returns the status.</summary>
    public static async Task<Google.Rpc.Status> ExpectAsync(StatusCode code, string reason, Func<Task> call)
    {
        var error = await Assert.ThrowsAsync<RpcException>(call);
        return Expect(error, code, reason);
    }

    public static Google.Rpc.Status Expect(RpcException error, StatusCode code, string reason)
    {
        Assert.Equal(code, error.StatusCode);
        var status = error.GetRpcStatus();
        Assert.NotNull(status);
        var info = status!.GetDetail<ErrorInfo>();
        Assert.NotNull(info);
        Assert.Equal(reason, info!.Reason);
        Assert.Equal(Domain, info.Domain);
        Assert.Single(status.Details, d => d.Is(ErrorInfo.Descriptor));
        Assert.True(status.Details.Count(d => d.Is(BadRequest.Descriptor)) <= 1, "At most one BadRequest per status.");
        return status;
    }

    /// <summary>The field paths of the status's BadRequest, in order.</summary>
    public static IReadOnlyList<string> ViolatedFields(Google.Rpc.Status status) =>
        status.GetDetail<BadRequest>()?.FieldViolations.Select(v => v.Field).ToList() ?? [];
}
