using System.Text;
using Exchange.Contracts.Declaration.V1;
using Exchange.Contracts.Partner.V1;
using Exchange.Server.Tests.Support;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Grpc.Core;

namespace Exchange.Server.Tests.Authorization;

/// <summary>
/// Calls any RPC from its descriptor alone (unary or streaming), so every row of the matrix runs
/// the same way whatever the service, and keeps everything the caller got back.
/// </summary>
internal static class RpcProbe
{
    /// <summary>Long enough for any refusal; a call that hangs instead fails its row with DEADLINE_EXCEEDED.</summary>
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(15);

    public static async Task<Answer> CallAsync(CallInvoker invoker, MethodDescriptor method, IMessage request)
    {
        if (request.Descriptor != method.InputType)
        {
            throw new ArgumentException($"{method.FullName} takes {method.InputType.FullName}, not {request.Descriptor.FullName}.", nameof(request));
        }
        var rpc = new Method<IMessage, IMessage>(TypeOf(method), method.Service.FullName, method.Name, Marshaller(method.InputType), Marshaller(method.OutputType));
        var options = new CallOptions(deadline: DateTime.UtcNow + Deadline);
        var responses = new List<IMessage>();
        try
        {
            switch (rpc.Type)
            {
                case MethodType.Unary:
                    responses.Add(await invoker.AsyncUnaryCall(rpc, null, options, request).ResponseAsync);
                    break;
                case MethodType.ServerStreaming:
                    using (var call = invoker.AsyncServerStreamingCall(rpc, null, options, request))
                    {
                        // A refusal ends the stream at the first read; so would the first item of
                        // data, which is all it takes to judge (a watch never ends by itself).
                        if (await call.ResponseStream.MoveNext(CancellationToken.None))
                        {
                            responses.Add(call.ResponseStream.Current);
                        }
                    }
                    break;
                case MethodType.ClientStreaming:
                    using (var call = invoker.AsyncClientStreamingCall(rpc, null, options))
                    {
                        await SendAsync(call.RequestStream, request);
                        responses.Add(await call.ResponseAsync);
                    }
                    break;
                case MethodType.DuplexStreaming:
                    using (var call = invoker.AsyncDuplexStreamingCall(rpc, null, options))
                    {
                        await SendAsync(call.RequestStream, request);
                        while (await call.ResponseStream.MoveNext(CancellationToken.None))
                        {
                            responses.Add(call.ResponseStream.Current);
                        }
                    }
                    break;
            }
            return new Answer(null, responses);
        }
        catch (RpcException error)
        {
            return new Answer(error, responses);
        }
    }

    /// <summary>Everything in a message, as text: protobuf strings are UTF-8 on the wire, nested messages and Any values included.</summary>
    public static string TextOf(IMessage message) => Encoding.UTF8.GetString(message.ToByteArray());

    private static async Task SendAsync(IClientStreamWriter<IMessage> requests, IMessage request)
    {
        try
        {
            await requests.WriteAsync(request);
            await requests.CompleteAsync();
        }
        catch (Exception error) when (error is RpcException or InvalidOperationException)
        {
            // The server ended the call before reading (a refusal): its status comes with the responses.
        }
    }

    private static MethodType TypeOf(MethodDescriptor method) => (method.IsClientStreaming, method.IsServerStreaming) switch
    {
        (false, false) => MethodType.Unary,
        (false, true) => MethodType.ServerStreaming,
        (true, false) => MethodType.ClientStreaming,
        (true, true) => MethodType.DuplexStreaming,
    };

    private static Marshaller<IMessage> Marshaller(MessageDescriptor type) =>
        Marshallers.Create(message => message.ToByteArray(), bytes => type.Parser.ParseFrom(bytes));
}

/// <summary>What a caller got back: the call's error, if it failed, and the responses it read.</summary>
internal sealed record Answer(RpcException? Error, IReadOnlyList<IMessage> Responses)
{
    /// <summary>
    /// The answer is a refusal with <paramref name="expected"/>'s code and reason: the call's own
    /// status, or, where the contract answers item by item, every item's (a bulk submission's
    /// error, a delivered message's rejection). Any result in their place is data: the row fails.
    /// </summary>
    public void ExpectRefusal(Refusal expected)
    {
        if (Error is not null)
        {
            RpcErrors.Expect(Error, expected.Code, expected.Reason);
            return;
        }
        Assert.True(Responses.Count > 0, $"Expected {expected}; the call ended without a status or any answer.");
        foreach (var response in Responses)
        {
            var refusals = RefusalsIn(response);
            Assert.True(refusals is not null, $"Expected {expected}; answered with data: {response}");
            foreach (var status in refusals)
            {
                RpcErrors.Expect(status.ToRpcException(), expected.Code, expected.Reason);
            }
        }
    }

    /// <summary>None of <paramref name="secrets"/> is anywhere in the answer: status message, trailers (error details included) or responses.</summary>
    public void ExpectNoneOf(IEnumerable<string> secrets)
    {
        var everything = Everything();
        foreach (var secret in secrets)
        {
            Assert.False(everything.Contains(secret, StringComparison.Ordinal), $"The answer gives away '{secret}':\n{everything}");
        }
    }

    /// <summary>Everything the caller received, as text.</summary>
    public string Everything()
    {
        var text = new StringBuilder();
        if (Error is not null)
        {
            text.AppendLine(Error.Status.Detail);
            foreach (var entry in Error.Trailers)
            {
                text.Append(entry.Key).Append(": ").AppendLine(entry.IsBinary ? Encoding.UTF8.GetString(entry.ValueBytes) : entry.Value);
            }
        }
        foreach (var response in Responses)
        {
            text.AppendLine(RpcProbe.TextOf(response));
        }
        return text.ToString();
    }

    /// <summary>The refusals a response carries in place of results; null when it carries a result.</summary>
    private static IReadOnlyList<Google.Rpc.Status>? RefusalsIn(IMessage response) => response switch
    {
        BulkSubmitDeclarationsResponse { Declaration: null, Error: { } error } => [error],
        DeliverMessagesResponse delivered when delivered.Acknowledgements.Count > 0
            && delivered.Acknowledgements.All(a => a.Outcome == DeliveryOutcome.Rejected && a.Rejection is not null)
            => delivered.Acknowledgements.Select(a => a.Rejection).ToList(),
        _ => null,
    };
}
