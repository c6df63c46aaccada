using System.Threading.Channels;
using Exchange.Contracts.Declaration.V1;
using Exchange.Core.Declarations;
using Exchange.Core.Errors;
using Exchange.Server.Hosting;
using Exchange.Server.Identity;
using Grpc.Core;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;

namespace Exchange.Server.Grpc;

/// <summary>
/// DeclarationService over gRPC: identifies the caller and hands the request to the workflow.
/// Refusals become statuses in ErrorInterceptor.
/// </summary>
[Authorize(Policy = ExchangePolicies.Filer)]
public sealed class DeclarationGrpcService(
    DeclarationWorkflow workflow,
    ICallerIdentityResolver identities,
    IHostApplicationLifetime lifetime,
    IOptions<ExchangeOptions> options,
    BulkStreamBudgets budgets) : DeclarationService.DeclarationServiceBase
{
    /// <summary>A write with <see cref="WriteFlags.BufferHint"/> appends to the response; one without it also flushes.</summary>
    private static readonly WriteOptions BufferedWrite = new(WriteFlags.BufferHint);

    private static readonly WriteOptions FlushingWrite = new();

    private readonly LimitOptions _limits = options.Value.Limits;

    public override Task<SubmitDeclarationResponse> SubmitDeclaration(SubmitDeclarationRequest request, ServerCallContext context) =>
        workflow.SubmitAnsweredAsync(identities.Resolve(context), request, context.CancellationToken);

    public override async Task<GetDeclarationResponse> GetDeclaration(GetDeclarationRequest request, ServerCallContext context) =>
        new() { Declaration = await workflow.GetAsync(identities.Resolve(context), request, context.CancellationToken) };

    public override Task<ListDeclarationsResponse> ListDeclarations(ListDeclarationsRequest request, ServerCallContext context) =>
        workflow.ListAsync(identities.Resolve(context), request, context.CancellationToken);

    public override async Task<AmendDeclarationResponse> AmendDeclaration(AmendDeclarationRequest request, ServerCallContext context) =>
        new() { Declaration = await workflow.AmendAsync(identities.Resolve(context), request, context.CancellationToken) };

    public override async Task<CancelDeclarationResponse> CancelDeclaration(CancelDeclarationRequest request, ServerCallContext context) =>
        new() { Declaration = await workflow.CancelAsync(identities.Resolve(context), request, context.CancellationToken) };

    public override async Task<RespondToReferralResponse> RespondToReferral(RespondToReferralRequest request, ServerCallContext context) =>
        new() { Declaration = await workflow.RespondToReferralAsync(identities.Resolve(context), request, context.CancellationToken) };

    public override async Task<RespondToAgencyRequestResponse> RespondToAgencyRequest(RespondToAgencyRequestRequest request, ServerCallContext context) =>
        new() { Declaration = await workflow.RespondToAgencyRequestAsync(identities.Resolve(context), request, context.CancellationToken) };

    public override Task<NotifyItemArrivalResponse> NotifyItemArrival(NotifyItemArrivalRequest request, ServerCallContext context) =>
        workflow.NotifyItemArrivalAsync(identities.Resolve(context), request, context.CancellationToken);

    public override async Task<NotifyArrivalResponse> NotifyArrival(NotifyArrivalRequest request, ServerCallContext context) =>
        new() { Declaration = await workflow.NotifyArrivalAsync(identities.Resolve(context), request, context.CancellationToken) };

    public override Task WatchDeclarationEvents(
        WatchDeclarationEventsRequest request, IServerStreamWriter<WatchDeclarationEventsResponse> responseStream, ServerCallContext context)
    {
        var caller = identities.Resolve(context);
        return WatchStreams.ServeAsync(
            stop => workflow.WatchAsync(caller, request, stop), e => new WatchDeclarationEventsResponse { Event = e }, responseStream, context, lifetime);
    }

    public override async Task<NotifyPresentationResponse> NotifyPresentation(NotifyPresentationRequest request, ServerCallContext context) =>
        new() { Declaration = await workflow.NotifyPresentationAsync(identities.Resolve(context), request, context.CancellationToken) };

    /// <summary>
    /// Reads the stream ahead into a bounded buffer, and writes whatever has arrived (up to the
    /// batch size) in one store transaction; answers go out in arrival order once durable.
    /// </summary>
    public override async Task BulkSubmitDeclarations(
        IAsyncStreamReader<BulkSubmitDeclarationsRequest> requestStream,
        IServerStreamWriter<BulkSubmitDeclarationsResponse> responseStream,
        ServerCallContext context)
    {
        var caller = identities.Resolve(context);
        // Read-ahead holds up to a whole batch while the one before it is written, so each
        // transaction gets a whole batch (a read-ahead of 64 cut batches to 64: 3,700
        // declarations/s against 4,400/s with 256). What the caller's streams hold, read ahead,
        // in the batch being written or as answers not yet written, is bounded in bytes by the
        // caller's and the node's budgets (Exchange:Limits:BulkBytesPerCaller, BulkBytesPerNode):
        // however many streams a caller opens or however large its messages, memory stays bounded.
        var buffer = System.Threading.Channels.Channel.CreateBounded<(BulkSubmitDeclarationsRequest Request, int Bytes)>(
            new BoundedChannelOptions(_limits.BulkBatchSize) { SingleReader = true, SingleWriter = true });
        using var budget = budgets.Open(identities.DescribeCaller(context));
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken);
        var ct = stop.Token;
        var reader = ReadAheadAsync(requestStream, buffer.Writer, budget, ct);
        try
        {
            long index = 0;
            var batch = new List<BulkSubmitDeclarationsRequest>(_limits.BulkBatchSize);
            var answers = new List<BulkSubmitDeclarationsResponse>(_limits.BulkBatchSize);
            while (await buffer.Reader.WaitToReadAsync(ct))
            {
                var batchBytes = 0L;
                while (batch.Count < _limits.BulkBatchSize && buffer.Reader.TryRead(out var item))
                {
                    batch.Add(item.Request);
                    batchBytes += item.Bytes;
                }
                var requests = batch.Select(b => new SubmitDeclarationRequest
                {
                    Parent = b.Parent,
                    Declaration = b.Declaration,
                    RequestId = b.RequestId,
                }).ToList();
                var results = await workflow.SubmitManyAsync(caller, requests, ct);
                var warnings = await workflow.WarningsAsync(caller, results, ct);
                var answerBytes = 0L;
                for (var i = 0; i < results.Count; i++)
                {
                    var answer = new BulkSubmitDeclarationsResponse { Index = index++, RequestId = batch[i].RequestId };
                    if (results[i].Declaration is { } accepted)
                    {
                        answer.Declaration = accepted;
                        answer.Warnings.Add(warnings[i]);
                    }
                    else
                    {
                        answer.Error = ErrorStatuses.From(results[i].Refusal!);
                    }
                    answers.Add(answer);
                    answerBytes += answer.CalculateSize();
                }
                // The answers exist already: counted without waiting, they keep the read-ahead
                // (this stream's and the caller's others) waiting until they are written.
                budget.Take(answerBytes);
                batch.Clear();
                requests.Clear();
                for (var i = 0; i < answers.Count; i++)
                {
                    // The batch's answers go out together: only the last one flushes the stream.
                    responseStream.WriteOptions = i == answers.Count - 1 ? FlushingWrite : BufferedWrite;
                    await responseStream.WriteAsync(answers[i], ct);
                }
                answers.Clear();
                budget.Give(batchBytes + answerBytes);
            }
        }
        finally
        {
            // However the loop ended, the read-ahead must not outlive the call.
            await stop.CancelAsync();
            var failure = await reader;
            // Items read before a failure (over the limit, broken stream) have all been answered;
            // now the failure ends the call with its status.
            if (failure is not null and not OperationCanceledException)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure);
            }
        }
    }

    /// <summary>
    /// Reads the stream into <paramref name="writer"/> while the caller's budget has room. It
    /// waits for room before reading, not after, so a waiting stream holds no message the budget
    /// has not counted: the next one stays in the transport, under HTTP/2 flow control.
    /// </summary>
    private async Task<Exception?> ReadAheadAsync(
        IAsyncStreamReader<BulkSubmitDeclarationsRequest> requestStream,
        ChannelWriter<(BulkSubmitDeclarationsRequest, int)> writer,
        BulkStreamBudgets.StreamBudget budget,
        CancellationToken ct)
    {
        Exception? failure = null;
        try
        {
            var count = 0;
            while (true)
            {
                await budget.WaitForRoomAsync(ct);
                if (!await requestStream.MoveNext(ct))
                {
                    break;
                }
                if (++count > _limits.MaxDeclarationsPerBulkStream)
                {
                    throw new StreamLimitExceededException(_limits.MaxDeclarationsPerBulkStream, "declarations");
                }
                var bytes = requestStream.Current.CalculateSize();
                budget.Take(bytes);
                await writer.WriteAsync((requestStream.Current, bytes), ct);
            }
        }
        catch (Exception error)
        {
            failure = error;
        }
        writer.TryComplete();
        return failure;
    }
}
