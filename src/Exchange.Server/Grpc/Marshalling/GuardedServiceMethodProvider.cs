using System.Reflection;
using System.Text;
using Google.Protobuf;
using Grpc.AspNetCore.Server.Model;
using Grpc.Core;
using Microsoft.AspNetCore.Routing;

namespace Exchange.Server.Grpc.Marshalling;

/// <summary>
/// Binds each gRPC service's methods as grpc-dotnet's own binder does (the generated
/// <c>BindService</c>, found through <see cref="BindServiceMethodAttribute"/>), but with a request
/// marshaller whose deserializer refuses an undecodable message as MALFORMED_MESSAGE instead of
/// letting the parser's exception become UNKNOWN "Exception was thrown by handler." with an
/// error-level stack trace in the log. Registered in place of grpc-dotnet's
/// BinderServiceMethodProvider (see <see cref="MessageGuardRegistration"/>).
/// </summary>
public sealed class GuardedServiceMethodProvider<TService> : IServiceMethodProvider<TService> where TService : class
{
    public void OnServiceMethodDiscovery(ServiceMethodProviderContext<TService> context)
    {
        for (var type = typeof(TService); type is not null; type = type.BaseType)
        {
            if (type.GetCustomAttribute<BindServiceMethodAttribute>(inherit: false) is { } bind)
            {
                var bindMethod = bind.BindType.GetMethod(bind.BindMethodName, BindingFlags.Public | BindingFlags.Static, [typeof(ServiceBinderBase), type])
                    ?? throw new InvalidOperationException($"{bind.BindType}.{bind.BindMethodName}(ServiceBinderBase, {type}) not found.");
                bindMethod.Invoke(null, [new Binder(context, type), null]);
                return;
            }
        }
    }

    /// <summary>Mirrors grpc-dotnet's ProviderServiceBinder: finds the override of each method on the service and adds it.</summary>
    private sealed class Binder(ServiceMethodProviderContext<TService> context, Type serviceBase) : ServiceBinderBase
    {
        public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, UnaryServerMethod<TRequest, TResponse>? handler)
        {
            var (invoker, metadata) = Model<UnaryServerMethod<TService, TRequest, TResponse>>(method.Name, [typeof(TRequest), typeof(ServerCallContext)]);
            context.AddUnaryMethod(Guarded(method), metadata, invoker);
        }

        public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, ServerStreamingServerMethod<TRequest, TResponse>? handler)
        {
            var (invoker, metadata) = Model<ServerStreamingServerMethod<TService, TRequest, TResponse>>(
                method.Name, [typeof(TRequest), typeof(IServerStreamWriter<TResponse>), typeof(ServerCallContext)]);
            context.AddServerStreamingMethod(Guarded(method), metadata, invoker);
        }

        public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, ClientStreamingServerMethod<TRequest, TResponse>? handler)
        {
            var (invoker, metadata) = Model<ClientStreamingServerMethod<TService, TRequest, TResponse>>(
                method.Name, [typeof(IAsyncStreamReader<TRequest>), typeof(ServerCallContext)]);
            context.AddClientStreamingMethod(Guarded(method), metadata, invoker);
        }

        public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, DuplexStreamingServerMethod<TRequest, TResponse>? handler)
        {
            var (invoker, metadata) = Model<DuplexStreamingServerMethod<TService, TRequest, TResponse>>(
                method.Name, [typeof(IAsyncStreamReader<TRequest>), typeof(IServerStreamWriter<TResponse>), typeof(ServerCallContext)]);
            context.AddDuplexStreamingMethod(Guarded(method), metadata, invoker);
        }

        private (TDelegate Invoker, List<object> Metadata) Model<TDelegate>(string name, Type[] parameters) where TDelegate : Delegate
        {
            var handler = FindOverride(name, parameters) ?? throw new InvalidOperationException($"Could not find '{name}' on {typeof(TService)}.");
            // As grpc-dotnet: type attributes first (lower priority), then the method's, then POST
            // (accepting CORS preflight, answered by CORS middleware where configured).
            List<object> metadata = [.. typeof(TService).GetCustomAttributes(inherit: true), .. handler.GetCustomAttributes(inherit: true),
                new HttpMethodMetadata(["POST"], acceptCorsPreflight: true)];
            return ((TDelegate)Delegate.CreateDelegate(typeof(TDelegate), handler), metadata);
        }

        /// <summary>The public instance method overriding the generated base's virtual one (a hiding method of the same name is skipped).</summary>
        private MethodInfo? FindOverride(string name, Type[] parameters)
        {
            for (var type = typeof(TService); type is not null; type = type.BaseType)
            {
                var candidate = type.GetMethod(name, BindingFlags.Public | BindingFlags.Instance, parameters);
                if (candidate is null)
                {
                    return null;
                }
                if (candidate.IsVirtual && candidate.GetBaseDefinition().DeclaringType == serviceBase)
                {
                    return candidate;
                }
            }
            return null;
        }
    }

    private static Method<TRequest, TResponse> Guarded<TRequest, TResponse>(Method<TRequest, TResponse> method)
        where TRequest : class where TResponse : class =>
        new(method.Type, method.ServiceName, method.Name, GuardedRequests(method), method.ResponseMarshaller);

    /// <summary>
    /// The request marshaller with a deserializer that turns a parse failure into a refusal. A
    /// unary or server-streaming request is read before the interceptors: it gets a stand-in
    /// that <see cref="RefusedRequestInterceptor"/> refuses after the rate limiter counted it. A
    /// streamed request is read by the service, inside the interceptors: the refusal is thrown.
    /// </summary>
    private static Marshaller<TRequest> GuardedRequests<TRequest, TResponse>(Method<TRequest, TResponse> method)
        where TRequest : class where TResponse : class
    {
        var deserialize = method.RequestMarshaller.ContextualDeserializer;
        var readBeforeInterceptors = method.Type is MethodType.Unary or MethodType.ServerStreaming;
        return new Marshaller<TRequest>(method.RequestMarshaller.ContextualSerializer, context =>
        {
            try
            {
                return deserialize(context);
            }
            // Google.Protobuf reports broken encodings as InvalidProtocolBufferException, and
            // invalid UTF-8 in a string field as the strict UTF8Encoding's DecoderFallbackException.
            catch (Exception error) when (error is InvalidProtocolBufferException or DecoderFallbackException)
            {
                var refusal = new MalformedMessageException(MalformedMessageException.Protobuf,
                    $"The request message of {method.FullName} cannot be decoded: a truncated field, an overlong varint, "
                    + "field number 0, an unknown wire type, invalid UTF-8 in a string or nesting deeper than 100 levels.")
                {
                    Data = { [MalformedMessageException.ParserMessageKey] = error.Message },
                };
                return readBeforeInterceptors ? RefusedRequests.StandInFor<TRequest>(refusal) : throw refusal;
            }
        });
    }
}
