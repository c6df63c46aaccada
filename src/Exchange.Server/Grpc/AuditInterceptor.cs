using System.Collections.Concurrent;
using System.Data.Common;
using System.Globalization;
using Exchange.Core.Audit;
using Exchange.Core.Errors;
using Exchange.Server.Identity;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Grpc.Core;
using Grpc.Core.Interceptors;

namespace Exchange.Server.Grpc;

/// <summary>
/// Records every call, of every kind, in the audit trail once it has ended: who (the caller as
/// <see cref="ICallerIdentityResolver.DescribeCaller"/> names it), what (the full method), on which
/// resource (the name the request gives, see <see cref="ResourceOf"/>), the outcome (the status
/// code's name), and for calls with a request stream how many messages were read. Runs inside
/// the error interceptor, so it sees what the service threw, and outside the rate limits, so a
/// refused call is recorded too. Health checks and reflection are not recorded.
/// </summary>
public sealed class AuditInterceptor(AuditTrail trail, ICallerIdentityResolver identities, TimeProvider clock) : Interceptor
{
    /// <summary>Services whose calls are plumbing, not acts: recording them would only bury the log.</summary>
    private static readonly string[] UnauditedPrefixes = ["/grpc.health.v1.", "/grpc.reflection."];

    private static readonly ConcurrentDictionary<MessageDescriptor, Func<IMessage, string>> ResourceReaders = new();

    private static readonly Dictionary<StatusCode, string> CodeNames = Enum.GetValues<StatusCode>().Distinct()
        .ToDictionary(code => code, UpperSnake);

    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        if (!IsAudited(context))
        {
            return await continuation(request, context);
        }
        try
        {
            var response = await continuation(request, context);
            Record(context, ResourceOf(request), null, "");
            return response;
        }
        catch (Exception error)
        {
            Record(context, ResourceOf(request), error, "");
            throw;
        }
    }

    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        if (!IsAudited(context))
        {
            await continuation(request, responseStream, context);
            return;
        }
        try
        {
            await continuation(request, responseStream, context);
            Record(context, ResourceOf(request), null, "");
        }
        catch (Exception error)
        {
            Record(context, ResourceOf(request), error, "");
            throw;
        }
    }

    public override async Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation)
    {
        if (!IsAudited(context))
        {
            return await continuation(requestStream, context);
        }
        var reader = new CountingReader<TRequest>(requestStream);
        try
        {
            var response = await continuation(reader, context);
            Record(context, reader.Resource, null, reader.Detail);
            return response;
        }
        catch (Exception error)
        {
            Record(context, reader.Resource, error, reader.Detail);
            throw;
        }
    }

    public override async Task DuplexStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, DuplexStreamingServerMethod<TRequest, TResponse> continuation)
    {
        if (!IsAudited(context))
        {
            await continuation(requestStream, responseStream, context);
            return;
        }
        var reader = new CountingReader<TRequest>(requestStream);
        try
        {
            await continuation(reader, responseStream, context);
            Record(context, reader.Resource, null, reader.Detail);
        }
        catch (Exception error)
        {
            Record(context, reader.Resource, error, reader.Detail);
            throw;
        }
    }

    /// <summary>
    /// The resource a request names, read generically from its descriptor: the first non-empty of
    /// <c>name</c>, <c>declaration.name</c> (AmendDeclaration), <c>parent</c> (Submit, List, Watch)
    /// and <c>declaration</c> as text; empty when the request names none.
    /// </summary>
    public static string ResourceOf(object? request) =>
        request is IMessage message ? ResourceReaders.GetOrAdd(message.Descriptor, ReaderOf)(message) : "";

    /// <summary>The outcome as the contract spells it: the status code's name, e.g. OK, NOT_FOUND, PERMISSION_DENIED.</summary>
    public static string NameOf(StatusCode code) => CodeNames.TryGetValue(code, out var name) ? name : UpperSnake(code);

    private static bool IsAudited(ServerCallContext context) =>
        !UnauditedPrefixes.Any(prefix => context.Method.StartsWith(prefix, StringComparison.Ordinal));

    private void Record(ServerCallContext context, string resource, Exception? error, string detail) =>
        trail.Record(identities.DescribeCaller(context), context.Method, resource, NameOf(CodeOf(error, context)), detail);

    /// <summary>The status the caller got: what the error interceptor makes of <paramref name="error"/>, or the call's own status.</summary>
    private StatusCode CodeOf(Exception? error, ServerCallContext context) => error switch
    {
        null => context.Status.StatusCode,
        RpcException rpc => rpc.StatusCode,
        ExchangeException refusal => (StatusCode)ErrorStatuses.CodeOf(refusal.Reason), // the common case: no status to build
        OperationCanceledException when context.CancellationToken.IsCancellationRequested =>
            context.Deadline <= clock.GetUtcNow().UtcDateTime ? StatusCode.DeadlineExceeded : StatusCode.Cancelled,
        _ => (StatusCode)ErrorStatuses.ForFailure(error, context.CancellationToken.IsCancellationRequested)!.Code,
    };

    private static Func<IMessage, string> ReaderOf(MessageDescriptor descriptor)
    {
        var readers = new List<Func<IMessage, string?>>();
        if (TextField(descriptor, "name") is { } name)
        {
            readers.Add(message => name.Accessor.GetValue(message) as string);
        }
        if (descriptor.FindFieldByName("declaration") is { FieldType: FieldType.Message, IsRepeated: false } declaration
            && TextField(declaration.MessageType, "name") is { } declarationName)
        {
            readers.Add(message => declaration.Accessor.GetValue(message) is IMessage inner ? declarationName.Accessor.GetValue(inner) as string : null);
        }
        if (TextField(descriptor, "parent") is { } parent)
        {
            readers.Add(message => parent.Accessor.GetValue(message) as string);
        }
        if (TextField(descriptor, "declaration") is { } declarationText)
        {
            readers.Add(message => declarationText.Accessor.GetValue(message) as string);
        }
        if (readers.Count == 0)
        {
            return _ => "";
        }
        return message =>
        {
            foreach (var read in readers)
            {
                if (read(message) is { Length: > 0 } resource)
                {
                    return resource;
                }
            }
            return "";
        };
    }

    private static FieldDescriptor? TextField(MessageDescriptor descriptor, string name) =>
        descriptor.FindFieldByName(name) is { FieldType: FieldType.String, IsRepeated: false } field ? field : null;

    /// <summary>NotFound is NOT_FOUND, OK stays OK.</summary>
    private static string UpperSnake(StatusCode code)
    {
        var text = code.ToString();
        var builder = new System.Text.StringBuilder(text.Length + 4);
        for (var i = 0; i < text.Length; i++)
        {
            if (i > 0 && char.IsUpper(text[i]) && char.IsLower(text[i - 1]))
            {
                builder.Append('_');
            }
            builder.Append(char.ToUpperInvariant(text[i]));
        }
        return builder.ToString();
    }

    /// <summary>
    /// A request stream that counts what the service read and keeps the resource its first message
    /// names. It holds no message of its own (Current is the inner stream's) and reads only when the
    /// service asks, so it adds nothing to what a bulk stream holds in memory.
    /// </summary>
    private sealed class CountingReader<T>(IAsyncStreamReader<T> inner) : IAsyncStreamReader<T>
    {
        private int _read;

        public T Current => inner.Current;

        public string Resource { get; private set; } = "";

        /// <summary>E.g. <c>messages_read=250</c>.</summary>
        public string Detail => "messages_read=" + _read.ToString(CultureInfo.InvariantCulture);

        public async Task<bool> MoveNext(CancellationToken cancellationToken)
        {
            if (!await inner.MoveNext(cancellationToken))
            {
                return false;
            }
            if (_read++ == 0)
            {
                Resource = ResourceOf(inner.Current);
            }
            return true;
        }
    }
}
