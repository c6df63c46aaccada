using System.Runtime.CompilerServices;
using Exchange.Core.Errors;
using Grpc.Core;

namespace Exchange.Server.Grpc.Marshalling;

/// <summary>
/// Carries a refusal of an unreadable request from where it is found (the request marshaller, the
/// framing middleware) to <see cref="RefusedRequestInterceptor"/>, which throws it once the rate
/// limiter and the audit trail have seen the call. grpc-dotnet reads a unary or server-streaming
/// request before any interceptor runs, so a refusal thrown there would skip both.
/// </summary>
public static class RefusedRequests
{
    /// <summary>The HttpContext.Items key (ServerCallContext.UserState) of a refusal found by the framing middleware.</summary>
    private static readonly object CallKey = new();

    /// <summary>Stand-in requests handed to grpc-dotnet in place of an undecodable message, with why.</summary>
    private static readonly ConditionalWeakTable<object, ExchangeException> StandIns = [];

    /// <summary>An empty request that stands for the undecodable one; it never reaches a service.</summary>
    public static T StandInFor<T>(ExchangeException refusal) where T : class
    {
        // Generated protobuf messages all have a public parameterless constructor.
        var standIn = Activator.CreateInstance<T>();
        StandIns.AddOrUpdate(standIn, refusal);
        return standIn;
    }

    /// <summary>Records a refusal for the whole call (found before grpc-dotnet read the body).</summary>
    public static void RefuseCall(IDictionary<object, object?> callItems, ExchangeException refusal) => callItems[CallKey] = refusal;

    /// <summary>The refusal recorded for this call or this request, if any.</summary>
    public static ExchangeException? Find(ServerCallContext context, object? request)
    {
        if (context.UserState.TryGetValue(CallKey, out var refusal))
        {
            return (ExchangeException)refusal;
        }
        return request is not null && StandIns.TryGetValue(request, out var standInRefusal) ? standInRefusal : null;
    }
}
