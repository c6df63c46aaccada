using Exchange.Conformance.Assertions;
using Exchange.Conformance.Runner;
using Exchange.Contracts.Declaration.V1;
using Grpc.Core;
using static Exchange.Conformance.Checks.EventStreams;

namespace Exchange.Conformance.Checks;

/// <summary>
/// WatchDeclarationEvents: the filer's ordered event log, replayed and resumed by cursor
/// (declaration_event.proto: "a watch resumed after a cursor delivers every later event once, in
/// order"). Cursors are opaque: the checks compare them only for equality. Events of other
/// declarations of the same filer (another run, customs decisions) may interleave and are
/// tolerated; events of another filer are not.
/// </summary>
internal static class WatchChecks
{
    private const string Area = "Watch";

    public static IEnumerable<Check> All =>
    [
        new("watch.history-in-order", Area, "Watch with include_history replays a declaration's events in order, each with a cursor", HistoryInOrderAsync),
        new("watch.history-replays-log", Area, "Watch with include_history replays the filer's own events, oldest first, and no other filer's", HistoryReplaysLogAsync),
        new("watch.resume-after-cursor", Area, "A watch resumed after a cursor misses nothing and repeats nothing, then follows live", ResumeAfterCursorAsync),
        new("watch.invalid-cursor", Area, "A malformed cursor is INVALID_ARGUMENT INVALID_CURSOR", InvalidCursorAsync),
        new("watch.other-filer-denied", Area, "Watching another filer's events is PERMISSION_DENIED FILER_MISMATCH", OtherFilerDeniedAsync),
    ];

    private static async Task HistoryInOrderAsync(CheckContext context)
    {
        var original = await context.SubmitAsync();
        var amended = await context.AmendAsync(original, d => d.Remarks = "Amended by the conformance kit");
        await context.CancelAsync(amended, "Sent twice");

        using var call = context.Client.WatchDeclarationEvents(new WatchDeclarationEventsRequest
        {
            Parent = context.Parent, IncludeHistory = true, Declaration = original.Name,
        });
        var events = await ReadUntilAsync(context, call, read => read.Any(e => e.Type == DeclarationEventType.Cancelled),
            $"the history of {original.Name}");

        // Customs may decide in between (at once or later): only the filer's own steps are compared.
        var filerEvents = events.Where(e => e.Type is DeclarationEventType.Accepted or DeclarationEventType.Amended or DeclarationEventType.Cancelled).ToList();
        Expect.Sequence([DeclarationEventType.Accepted, DeclarationEventType.Amended, DeclarationEventType.Cancelled],
            filerEvents.Select(e => e.Type), "event types");
        Expect.Equal(1L, filerEvents[0].Revision, "revision of the ACCEPTED event");
        Expect.That(events.Zip(events.Skip(1)).All(pair => pair.Second.Revision > pair.First.Revision),
            $"the revisions of the events should increase; got {string.Join(", ", events.Select(e => e.Revision))}");
        Expect.Equal(DeclarationStatus.Accepted, filerEvents[0].Status, "status after the ACCEPTED event");
        Expect.BeforeArrival(filerEvents[1].Status, "status after the AMENDED event");
        Expect.Equal(DeclarationStatus.Cancelled, filerEvents[2].Status, "status after the CANCELLED event");
        foreach (var e in events)
        {
            Expect.Equal(original.Name, e.Declaration, "the declaration of an event watched with the declaration filter");
            Expect.Equal(original.LocalReferenceNumber, e.LocalReferenceNumber, "an event's local_reference_number");
            Expect.Equal(original.CustomsReference, e.CustomsReference, "an event's customs_reference");
            Expect.That(e.EventTime is not null, $"the {Describe(e)} event has no event_time");
        }
        ExpectDistinctCursors(events);
    }

    private static async Task HistoryReplaysLogAsync(CheckContext context)
    {
        var older = await context.SubmitAsync();
        await context.SubmitAsOtherFilerAsync();
        var newer = await context.SubmitAsync();

        using var call = context.Client.WatchDeclarationEvents(new WatchDeclarationEventsRequest { Parent = context.Parent, IncludeHistory = true });
        var events = await ReadUntilAsync(context, call, read => read.Any(e => e.Declaration == newer.Name),
            $"the replayed history of {context.Parent}");

        ExpectOnlyOwn(context, events);
        var olderAt = events.FindIndex(e => e.Declaration == older.Name && e.Type == DeclarationEventType.Accepted);
        var newerAt = events.FindIndex(e => e.Declaration == newer.Name && e.Type == DeclarationEventType.Accepted);
        Expect.That(olderAt >= 0, $"the history replays no ACCEPTED event of {older.Name}, submitted just before {newer.Name}");
        Expect.That(olderAt < newerAt, $"not oldest first: the ACCEPTED event of {newer.Name} comes before that of {older.Name}, submitted earlier");
        ExpectDistinctCursors(events);
    }

    private static async Task ResumeAfterCursorAsync(CheckContext context)
    {
        // A starting point: the cursor of a fresh declaration's first event.
        var marker = await context.SubmitAsync();
        DeclarationEvent start;
        using (var history = context.Client.WatchDeclarationEvents(new WatchDeclarationEventsRequest
        {
            Parent = context.Parent, IncludeHistory = true, Declaration = marker.Name,
        }))
        {
            start = (await ReadUntilAsync(context, history, read => read.Count == 1, $"the history of {marker.Name}"))[0];
        }
        Expect.NotEmpty(start.Cursor, "the cursor of an event");

        var ours = new List<Declaration> { await context.SubmitAsync() };
        await context.SubmitAsOtherFilerAsync(); // must never show up
        ours.Add(await context.SubmitAsync());
        ours.Add(await context.SubmitAsync());

        // Read two of the three, then disconnect (the third is left unread).
        var delivered = new List<DeclarationEvent>();
        using (var first = context.Client.WatchDeclarationEvents(new WatchDeclarationEventsRequest { Parent = context.Parent, StartAfterCursor = start.Cursor }))
        {
            delivered.AddRange(await ReadUntilAsync(context, first, read => AcceptedOf(ours, read) == 2,
                "a watch started after a cursor"));
        }
        var resumeAfter = delivered[^1].Cursor;
        ours.Add(await context.SubmitAsync()); // while nobody watches

        using var resumed = context.Client.WatchDeclarationEvents(new WatchDeclarationEventsRequest { Parent = context.Parent, StartAfterCursor = resumeAfter });
        var afterResume = await ReadUntilAsync(context, resumed, read => AcceptedOf(ours, read) == 2, "the resumed watch");
        ours.Add(await context.SubmitAsync()); // while the resumed watch is open: delivered live
        afterResume.AddRange(await ReadUntilAsync(context, resumed, read => AcceptedOf(ours, read) == 1, "the resumed watch, live"));
        delivered.AddRange(afterResume);

        ExpectOnlyOwn(context, delivered);
        ExpectDistinctCursors(delivered);
        var names = ours.Select(d => d.Name).ToHashSet();
        Expect.Sequence(ours.Select(d => d.LocalReferenceNumber),
            delivered.Where(e => e.Type == DeclarationEventType.Accepted && names.Contains(e.Declaration)).Select(e => e.LocalReferenceNumber),
            "the ACCEPTED events delivered before the disconnection and after the resumption");
    }

    private static async Task InvalidCursorAsync(CheckContext context)
    {
        await Expect.FailsAsync("WatchDeclarationEvents with start_after_cursor \"not a cursor!\"", StatusCode.InvalidArgument, "INVALID_CURSOR", async () =>
        {
            using var call = context.Client.WatchDeclarationEvents(new WatchDeclarationEventsRequest { Parent = context.Parent, StartAfterCursor = "not a cursor!" });
            await call.ResponseStream.MoveNext(context.Cancellation);
        });
    }

    private static async Task OtherFilerDeniedAsync(CheckContext context)
    {
        await Expect.FailsAsync($"WatchDeclarationEvents by {context.OtherFiler} of {context.Parent}", StatusCode.PermissionDenied, "FILER_MISMATCH", async () =>
        {
            using var call = context.OtherClient.WatchDeclarationEvents(new WatchDeclarationEventsRequest { Parent = context.Parent, IncludeHistory = true });
            await call.ResponseStream.MoveNext(context.Cancellation);
        });
    }

    private static int AcceptedOf(List<Declaration> declarations, List<DeclarationEvent> events) =>
        events.Count(e => e.Type == DeclarationEventType.Accepted && declarations.Any(d => d.Name == e.Declaration));

    private static void ExpectOnlyOwn(CheckContext context, List<DeclarationEvent> events)
    {
        var foreign = events.Where(e => !e.Declaration.StartsWith(context.Parent + "/", StringComparison.Ordinal)).ToList();
        Expect.That(foreign.Count == 0, $"{context.Filer} was sent events of other filers: {Describe(foreign)}");
    }
}
