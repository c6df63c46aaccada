using Exchange.Contracts.Declaration.V1;
using Exchange.Contracts.Partner.V1;
using Exchange.Testing;
using Grpc.Core;
using Xunit.Abstractions;
using static Exchange.DevCertificates.DevelopmentCertificates;

namespace Exchange.Security.Tests.PartnerExchange;

/// <summary>
/// Customs-to-customs exchange between two real node processes over mutual TLS: a declaration
/// filed at NL for Belgium reaches BE, BE's assessor decides it, and the decision comes back to
/// NL's filer; a partner down for a while, or a node killed mid-flight, loses and duplicates nothing.
/// Counts are taken only once both outboxes are empty (<see cref="PartnerNodes.SettleAsync"/>),
/// when nothing about the declarations can still be in flight.
/// </summary>
[Collection(PartnerNodes.Collection)]
public sealed class PartnerExchangeProcessTests(PartnerNodes nodes, ITestOutputHelper output)
{
    private const string Filer = PartnerNodes.FilerAtNl;

    /// <summary>
    /// A postal gift for Belgium, described only as "Assorted gifts" (accepted as filed, but vague)
    /// so BE's risk engine has a finding (vague-description) to return with its decision.
    /// </summary>
    private static Declaration BoundForBelgium(string localReference)
    {
        var declaration = SampleDeclarations.PostalGift(localReference);
        declaration.Transport.DepartureCountryCode = "CN";
        declaration.Transport.DestinationCountryCode = "BE";
        declaration.Items[0].Description = "Assorted gifts";
        return declaration;
    }

    [Fact]
    public async Task A_declaration_filed_at_NL_for_Belgium_is_decided_at_BE_and_the_decision_reaches_the_filers_watch_without_findings()
    {
        await nodes.EnsureQuietAsync();
        using var channel = nodes.Nl.OpenChannel(nodes[FilerPostNl]);
        var filer = new DeclarationService.DeclarationServiceClient(channel);
        // Opened before the submission, with the history first: it cannot miss an event however fast it comes.
        using var watch = filer.WatchDeclarationEvents(new WatchDeclarationEventsRequest { Parent = Filer, IncludeHistory = true });

        var filed = (await filer.SubmitDeclarationAsync(Submission(BoundForBelgium("LRN-PARTNER-ONE")), deadline: PartnerNodes.Deadline())).Declaration;
        var received = await NextEventAsync(watch, filed.Name, DeclarationEventType.PartnerDecisionReceived);

        // The filer's view: BE's decision, without BE's findings or who recorded it.
        Assert.Equal("partners/BE", received.PartnerDecision.Administration);
        Assert.Empty(received.PartnerDecision.Findings);
        Assert.Equal("", received.Actor);
        var atNl = (await filer.GetDeclarationAsync(new GetDeclarationRequest { Name = filed.Name }, deadline: PartnerNodes.Deadline())).Declaration;
        var filersDecision = Assert.Single(atNl.PartnerDecisions);
        Assert.Equal("partners/BE", filersDecision.Administration);
        Assert.Empty(filersDecision.Findings);

        // BE holds one copy, under the partner's reserved filer, decided by BE's own engine.
        var copy = Assert.Single(await nodes.CopiesAtBeAsync(), c => c.SharingOrigin.SourceDeclaration == filed.Name);
        Assert.StartsWith("filers/partner-nl/declarations/", copy.Name, StringComparison.Ordinal);
        Assert.Equal("partners/NL", copy.SharingOrigin.Administration);
        Assert.Equal(filed.CustomsReference, copy.SharingOrigin.SourceCustomsReference);
        Assert.NotEqual(filed.CustomsReference, copy.CustomsReference);
        Assert.Equal(copy.CustomsReference, received.PartnerDecision.CustomsReference);
        Assert.Equal(copy.Decision.Outcome, received.PartnerDecision.Decision.Outcome);
        Assert.Equal(copy.Revision, received.PartnerDecision.Revision);
        Assert.Equal("", received.PartnerDecision.Decision.DecidedBy); // who decided at BE stays at BE

        // NL's officers see what BE's engine found, and who recorded it.
        await nodes.SettleAsync([filed.Name]);
        var officersDecision = Assert.Single((await nodes.OfficerGetAsync(nodes.Nl, filed.Name)).PartnerDecisions);
        Assert.Contains(officersDecision.Findings, f => f.RuleId == "vague-description");
        var audited = Assert.Single(await nodes.EventsAsync(nodes.Nl, filed.Name), e => e.Type == DeclarationEventType.PartnerDecisionReceived);
        Assert.Equal("partners/BE", audited.Actor);
        Assert.Equal(officersDecision.Findings, audited.PartnerDecision.Findings);

        // One message each way, both delivered.
        var shared = Assert.Single(await nodes.OutboxAsync(nodes.Nl, nodes.Be), m => m.Declaration == filed.Name);
        Assert.Equal(MessageKind.Declarations, shared.Kind);
        Assert.Equal(OutboxMessageState.Delivered, shared.State);
        var returned = Assert.Single(await nodes.OutboxAsync(nodes.Be, nodes.Nl), m => m.Declaration == copy.Name);
        Assert.Equal(MessageKind.Decisions, returned.Kind);
        Assert.Equal(OutboxMessageState.Delivered, returned.State);
    }

    [Fact]
    public async Task While_BE_is_down_NL_keeps_a_backlog_and_after_BE_restarts_everything_arrives_exactly_once()
    {
        const int Count = 20;
        await nodes.EnsureQuietAsync();
        var before = (await nodes.PartnerAsync(nodes.Nl, nodes.Be)).Backlog;
        nodes.Be.Kill();

        var filed = new List<string>();
        using (var channel = nodes.Nl.OpenChannel(nodes[FilerPostNl]))
        {
            var filer = new DeclarationService.DeclarationServiceClient(channel);
            for (var i = 0; i < Count; i++)
            {
                filed.Add((await filer.SubmitDeclarationAsync(Submission(BoundForBelgium($"LRN-BE-DOWN-{i:D3}")), deadline: PartnerNodes.Deadline())).Declaration.Name);
            }
        }

        // Every submission put its message in the outbox with it; the head records the failed attempts.
        Partner waiting = null!;
        await nodes.EventuallyAsync("a failed delivery to BE recorded at NL", async () =>
        {
            waiting = await nodes.PartnerAsync(nodes.Nl, nodes.Be);
            return waiting.Backlog.LastError.Length > 0;
        });
        output.WriteLine($"NL's backlog to BE while BE is down: {waiting.Backlog}");
        Assert.Equal(Count, waiting.Backlog.PendingMessages);
        Assert.StartsWith("Unavailable", waiting.Backlog.LastError, StringComparison.Ordinal); // BE's port is closed
        Assert.NotNull(waiting.Backlog.NextAttemptTime);
        var pending = (await nodes.OutboxAsync(nodes.Nl, nodes.Be)).Where(m => filed.Contains(m.Declaration)).ToList();
        Assert.Equal(Count, pending.Count);
        Assert.All(pending, m => Assert.Equal(OutboxMessageState.Pending, m.State));
        Assert.True(pending[0].Attempts >= 1);
        Assert.NotEqual("", pending[0].LastError);

        await nodes.Be.StartAsync(); // same ports, same data
        await nodes.SettleAsync(filed);

        await AssertExactlyOnceAsync(filed);
        var after = (await nodes.PartnerAsync(nodes.Nl, nodes.Be)).Backlog;
        Assert.Equal(0, after.PendingMessages);
        Assert.Equal("", after.LastError);
        Assert.Equal(before.DeliveredMessages + Count, after.DeliveredMessages);
        Assert.Equal(before.RejectedMessages, after.RejectedMessages);
    }

    [Fact]
    public async Task NL_killed_in_the_middle_of_a_bulk_submission_loses_and_duplicates_nothing_once_restarted()
    {
        const int Count = 100;
        const int KillAfter = 10; // early: later items are still being written, shared and decided
        var lrn = $"CRASH-{Guid.NewGuid().ToString("N")[..8].ToUpperInvariant()}-"; // local references are at most 22 characters
        await nodes.EnsureQuietAsync();

        var acknowledged = new List<string>();
        using (var channel = nodes.Nl.OpenChannel(nodes[FilerPostNl]))
        {
            using var call = new DeclarationService.DeclarationServiceClient(channel).BulkSubmitDeclarations();
            var writing = Task.Run(async () =>
            {
                for (var i = 0; i < Count; i++)
                {
                    await call.RequestStream.WriteAsync(new BulkSubmitDeclarationsRequest
                    {
                        Parent = Filer, Declaration = BoundForBelgium($"{lrn}{i:D3}"), RequestId = Guid.NewGuid().ToString(),
                    });
                }
                await call.RequestStream.CompleteAsync();
            });
            await foreach (var answer in call.ResponseStream.ReadAllAsync())
            {
                Assert.True(answer.ResultCase == BulkSubmitDeclarationsResponse.ResultOneofCase.Declaration, answer.ToString());
                acknowledged.Add(answer.Declaration.Name);
                if (acknowledged.Count == KillAfter)
                {
                    nodes.Nl.Kill(); // like a crash, with no shutdown code
                    break;
                }
            }
            call.Dispose();
            try
            {
                await writing;
            }
            catch (Exception error) when (error is RpcException or InvalidOperationException or OperationCanceledException)
            {
                // The node died (or the call ended) before every item was written.
            }
        }
        Assert.Equal(KillAfter, acknowledged.Count);
        var copiesAtKill = (await nodes.CopiesAtBeAsync()).Count(c => c.LocalReferenceNumber.StartsWith(lrn, StringComparison.Ordinal));

        var restarted = DateTimeOffset.UtcNow;
        await nodes.Nl.StartAsync(); // same ports, same data
        var recorded = (await nodes.FiledAtNlAsync()).Where(d => d.LocalReferenceNumber.StartsWith(lrn, StringComparison.Ordinal)).Select(d => d.Name).ToList();
        Assert.Subset(recorded.ToHashSet(), acknowledged.ToHashSet()); // nothing acknowledged was lost
        await nodes.SettleAsync(recorded);

        await AssertExactlyOnceAsync(recorded);
        // Nor was anything shared that NL has no record of (a submission whose transaction did not commit).
        var copies = (await nodes.CopiesAtBeAsync()).Where(c => c.LocalReferenceNumber.StartsWith(lrn, StringComparison.Ordinal)).ToList();
        Assert.Equal(recorded.Order(StringComparer.Ordinal), copies.Select(c => c.SharingOrigin.SourceDeclaration).Order(StringComparer.Ordinal));

        // What was in flight at the kill differs from run to run; it is reported, not asserted.
        var copyNames = copies.Select(c => c.Name).ToHashSet();
        var sharedAfter = (await nodes.OutboxAsync(nodes.Nl, nodes.Be)).Count(m => recorded.Contains(m.Declaration) && m.AcknowledgeTime.ToDateTimeOffset() >= restarted);
        var returnedAfter = (await nodes.OutboxAsync(nodes.Be, nodes.Nl)).Count(m => copyNames.Contains(m.Declaration) && m.AcknowledgeTime.ToDateTimeOffset() >= restarted);
        output.WriteLine($"{acknowledged.Count} acknowledged, {recorded.Count} recorded at NL; at the kill BE held {copiesAtKill} copies; " +
            $"after the restart NL delivered {sharedAfter} declarations and BE {returnedAfter} decisions.");
    }

    /// <summary>
    /// For each declaration filed at NL (the exchange settled): one message in NL's outbox to BE,
    /// delivered; one copy at BE, accepted once; one decision back, delivered once, received once.
    /// </summary>
    private async Task AssertExactlyOnceAsync(IReadOnlyCollection<string> filedAtNl)
    {
        var sharedMessages = (await nodes.OutboxAsync(nodes.Nl, nodes.Be)).Where(m => filedAtNl.Contains(m.Declaration)).ToList();
        Assert.Equal(filedAtNl.Order(StringComparer.Ordinal), sharedMessages.Select(m => m.Declaration).Order(StringComparer.Ordinal));
        Assert.All(sharedMessages, m => Assert.Equal(OutboxMessageState.Delivered, m.State));

        var copies = (await nodes.CopiesAtBeAsync()).Where(c => filedAtNl.Contains(c.SharingOrigin.SourceDeclaration)).ToList();
        Assert.Equal(filedAtNl.Order(StringComparer.Ordinal), copies.Select(c => c.SharingOrigin.SourceDeclaration).Order(StringComparer.Ordinal));
        var copyNames = copies.Select(c => c.Name).ToHashSet();
        var returnedMessages = (await nodes.OutboxAsync(nodes.Be, nodes.Nl)).Where(m => copyNames.Contains(m.Declaration)).ToList();
        Assert.Equal(copyNames.Order(StringComparer.Ordinal), returnedMessages.Select(m => m.Declaration).Order(StringComparer.Ordinal));
        Assert.All(returnedMessages, m => Assert.Equal(OutboxMessageState.Delivered, m.State));

        using (var channel = nodes.Be.OpenChannel(nodes[OfficerAnna]))
        {
            var officer = new Contracts.Enforcement.V1.EnforcementService.EnforcementServiceClient(channel);
            foreach (var copy in copies)
            {
                var events = await PartnerNodes.EventsAsync(officer, copy.Name);
                var accepted = Assert.Single(events, e => e.Type == DeclarationEventType.Accepted);
                Assert.Equal("partners/NL", accepted.Actor);
                Assert.DoesNotContain(events, e => e.Type == DeclarationEventType.Amended);
                Assert.Single(events, e => e.Type == DeclarationEventType.Decided);
            }
        }
        using (var channel = nodes.Nl.OpenChannel(nodes[OfficerAnna]))
        {
            var officer = new Contracts.Enforcement.V1.EnforcementService.EnforcementServiceClient(channel);
            foreach (var name in filedAtNl)
            {
                var events = await PartnerNodes.EventsAsync(officer, name);
                var received = Assert.Single(events, e => e.Type == DeclarationEventType.PartnerDecisionReceived);
                Assert.Equal("partners/BE", received.PartnerDecision.Administration);
            }
        }
    }

    /// <summary>Reads the watch until <paramref name="declaration"/>'s next event of <paramref name="type"/>, within the patience.</summary>
    private static async Task<DeclarationEvent> NextEventAsync(
        AsyncServerStreamingCall<WatchDeclarationEventsResponse> watch, string declaration, DeclarationEventType type)
    {
        using var bound = new CancellationTokenSource(PartnerNodes.Patience);
        while (await watch.ResponseStream.MoveNext(bound.Token))
        {
            var @event = watch.ResponseStream.Current.Event;
            if (@event.Declaration == declaration && @event.Type == type)
            {
                return @event;
            }
        }
        throw new InvalidOperationException("The watch ended.");
    }

    private static SubmitDeclarationRequest Submission(Declaration declaration) => new()
    {
        Parent = Filer, Declaration = declaration, RequestId = Guid.NewGuid().ToString(),
    };
}
