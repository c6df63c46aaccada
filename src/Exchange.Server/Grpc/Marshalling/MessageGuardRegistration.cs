using Grpc.AspNetCore.Server;
using Grpc.AspNetCore.Server.Model;

namespace Exchange.Server.Grpc.Marshalling;

/// <summary>Wires the refusal of unreadable gRPC requests (MALFORMED_MESSAGE, MESSAGE_TOO_LARGE, UNSUPPORTED_ENCODING).</summary>
public static class MessageGuardRegistration
{
    /// <summary>
    /// The last registration before the host is built (AddGrpc, which reflection, health checks
    /// and Swagger call again, re-adds grpc-dotnet's binder): binds services with guarded request
    /// marshallers instead of grpc-dotnet's binder, and adds the innermost interceptor that
    /// refuses what they and the framing middleware found.
    /// </summary>
    public static IServiceCollection AddExchangeMessageGuards(this IServiceCollection services)
    {
        // grpc-dotnet registers its binder as the open generic BinderServiceMethodProvider<>
        // (internal). Both binding every service would map each method twice, so it is replaced;
        // if a grpc-dotnet release renames it, start-up fails here rather than binding twice.
        var grpcBinder = services.SingleOrDefault(service => service.ServiceType == typeof(IServiceMethodProvider<>)
            && service.ImplementationType is { Name: "BinderServiceMethodProvider`1" } type && type.Assembly == typeof(GrpcServiceOptions).Assembly)
            ?? throw new InvalidOperationException("grpc-dotnet's BinderServiceMethodProvider<> is not registered: call AddExchangeMessageGuards after AddGrpc.");
        services.Remove(grpcBinder);
        services.AddSingleton(typeof(IServiceMethodProvider<>), typeof(GuardedServiceMethodProvider<>));
        services.Configure<GrpcServiceOptions>(grpc => grpc.Interceptors.Add<RefusedRequestInterceptor>());
        return services;
    }

    /// <summary>
    /// Checks gRPC framing before grpc-dotnet reads a request (after routing, which names the
    /// method); fails start-up if grpc-dotnet's own binder is registered again, which would map
    /// every method twice, once unguarded.
    /// </summary>
    public static IApplicationBuilder UseExchangeMessageGuards(this IApplicationBuilder app)
    {
        var binders = app.ApplicationServices.GetServices<IServiceMethodProvider<BindingProbe>>().ToList();
        if (!binders.Any(binder => binder is GuardedServiceMethodProvider<BindingProbe>)
            || binders.Any(binder => binder.GetType().Name.StartsWith("BinderServiceMethodProvider", StringComparison.Ordinal)))
        {
            throw new InvalidOperationException(
                "gRPC services would be bound without the guarded request marshallers: call AddExchangeMessageGuards after every AddGrpc.");
        }
        return app.UseMiddleware<GrpcFramingMiddleware>();
    }

    /// <summary>A service type to ask the container which method providers it would use.</summary>
    private sealed class BindingProbe;
}
