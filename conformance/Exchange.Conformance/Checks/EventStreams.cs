using Exchange.Conformance.Assertions;
using Exchange.Conformance.Runner;
using Exchange.Contracts.Declaration.V1;
using Grpc.Core;

namespace Exchange.Conformance.Checks;

/// <summary>
/// Reads the contract's two watches (WatchDeclarationEvents, WatchConsignmentEvents): server
/// streams with no end of their own, so every read is bounded by a call deadline and fails with
/// what did arrive.
/// </summary>
internal static class EventStreams
{
    /// <summary>How many times one read nudges: each after a silence of a quarter of the deadline.</summary>
    private const int MaxNudges = 3;

    /// <summary>Reads a filer's declaration events until <paramref name="enough"/> says so.</summary>
    public static Task<List<DeclarationEvent>> ReadUntilAsync(CheckContext context,
        AsyncServerStreamingCall<WatchDeclarationEventsResponse> call, Func<List<DeclarationEvent>, bool> enough, string what) =>
        ReadUntilAsync(context, call.ResponseStream, r => r.Event, enough, Describe, what, nudge: null);

    /// <summary>
    /// Reads a carrier's notices until <paramref name="enough"/> says so. A watch started with
    /// neither cursor nor history starts where the carrier's notices stand when the node takes the
    /// call, which no client can observe: a change written just before is rightly not delivered.
    /// For such a watch pass <paramref name="nudge"/>, a step that causes the awaited notice again:
    /// whenever the stream stays silent for a quarter of the deadline it is taken, at most
    /// <see cref="MaxNudges"/> times. The read still fails when nothing arrives within the deadline.
    /// </summary>
    public static Task<List<ConsignmentEvent>> ReadUntilAsync(CheckContext context,
        AsyncServerStreamingCall<WatchConsignmentEventsResponse> call, Func<List<ConsignmentEvent>, bool> enough, string what,
        Func<Task>? nudge = null) =>
        ReadUntilAsync(context, call.ResponseStream, r => r.Event, enough, Describe, what, nudge);

    public static string Describe(DeclarationEvent e) =>
        $"{RpcErrorText.ProtoName(e.Type).Replace("DECLARATION_EVENT_TYPE_", "", StringComparison.Ordinal)} {e.LocalReferenceNumber} r{e.Revision}";

    public static string Describe(ConsignmentEvent e) =>
        $"{RpcErrorText.ProtoName(e.Type).Replace("CONSIGNMENT_EVENT_TYPE_", "", StringComparison.Ordinal)} "
        + (e.House is null ? "(no house)" : e.House.HouseTransportDocument is { Length: > 0 } document ? document : e.House.ItemIdentifier);

    public static string Describe(IReadOnlyList<DeclarationEvent> events) => Describe(events, Describe);

    public static string Describe(IReadOnlyList<ConsignmentEvent> events) => Describe(events, Describe);

    /// <summary>Every event has a cursor, and no two the same (no event was delivered twice).</summary>
    public static void ExpectDistinctCursors(IReadOnlyList<DeclarationEvent> events) => ExpectDistinctCursors(events, e => e.Cursor, Describe);

    /// <summary>Every notice has a cursor, and no two the same (no notice was delivered twice).</summary>
    public static void ExpectDistinctCursors(IReadOnlyList<ConsignmentEvent> events) => ExpectDistinctCursors(events, e => e.Cursor, Describe);

    private static void ExpectDistinctCursors<TEvent>(IReadOnlyList<TEvent> events, Func<TEvent, string> cursorOf, Func<TEvent, string> describe)
    {
        Expect.That(events.All(e => cursorOf(e) != ""), $"events without a cursor: {Describe(events.Where(e => cursorOf(e) == "").ToList(), describe)}");
        var repeated = events.GroupBy(cursorOf).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        Expect.That(repeated.Count == 0, $"delivered more than once (same cursor): {string.Join(", ", repeated.Select(c => RpcErrorText.Show(c)))}");
    }

    private static string Describe<TEvent>(IReadOnlyList<TEvent> events, Func<TEvent, string> describe) =>
        events.Count == 0 ? "no events" : $"{events.Count} event(s) [{string.Join(", ", events.TakeLast(8).Select(describe))}]";

    /// <summary>
    /// Reads events until <paramref name="enough"/> says so. Fails, with what did arrive, when the
    /// stream ends, fails, or stays silent for a call deadline.
    /// </summary>
    private static async Task<List<TEvent>> ReadUntilAsync<TResponse, TEvent>(CheckContext context, IAsyncStreamReader<TResponse> stream,
        Func<TResponse, TEvent?> eventOf, Func<List<TEvent>, bool> enough, Func<TEvent, string> describe, string what, Func<Task>? nudge)
        where TEvent : class
    {
        var events = new List<TEvent>();
        using var patience = CancellationTokenSource.CreateLinkedTokenSource(context.Cancellation);
        patience.CancelAfter(context.CallTimeout);
        bool Impatient() => patience.IsCancellationRequested && !context.Cancellation.IsCancellationRequested;
        var nudges = 0;
        try
        {
            while (!enough(events))
            {
                var next = stream.MoveNext(patience.Token);
                while (nudge is not null && nudges < MaxNudges && !await ArrivesWithinAsync(next, context.CallTimeout / (MaxNudges + 1), patience.Token))
                {
                    patience.Token.ThrowIfCancellationRequested();
                    nudges++;
                    await nudge();
                }
                if (!await next)
                {
                    throw Expect.Fail($"{what}: the stream ended after {Describe(events, describe)}");
                }
                var @event = eventOf(stream.Current);
                Expect.That(@event is not null, $"{what}: a {typeof(TResponse).Name} without an event");
                events.Add(@event!);
            }
            return events;
        }
        catch (Exception error) when (error is OperationCanceledException or RpcException && (Impatient() || error is RpcException { StatusCode: StatusCode.DeadlineExceeded }))
        {
            throw Expect.Fail($"{what}: the expected events did not arrive within {context.CallTimeout.TotalSeconds:0} s; got {Describe(events, describe)}");
        }
        catch (RpcException error) when (error.StatusCode != StatusCode.Cancelled)
        {
            throw Expect.Fail($"{what}: the stream failed after {Describe(events, describe)}: {RpcErrorText.Describe(error)}");
        }
    }

    /// <summary>Whether <paramref name="next"/> completes within <paramref name="wait"/> (without cancelling it when not).</summary>
    private static async Task<bool> ArrivesWithinAsync(Task next, TimeSpan wait, CancellationToken cancellation)
    {
        using var timer = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        var first = await Task.WhenAny(next, Task.Delay(wait, timer.Token));
        await timer.CancelAsync();
        return first == next;
    }
}
