using Exchange.Contracts.Declaration.V1;
using Exchange.Contracts.Partner.V1;
using Exchange.Core.Identity;
using Exchange.Core.Partners;
using Exchange.Core.Storage;
using Exchange.Server.Identity;
using Exchange.Server.Tests.Enforcement;
using Exchange.Server.Tests.Support;
using Exchange.Testing;
using Exchange.Testing.Hosting;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;

namespace Exchange.Server.Tests.Partners;

public sealed class PartnerExchangeTests
{
    private const string Filer = "post-nl";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private static Declaration BoundForBelgium(string reference = "LRN-BE-0001")
    {
        var declaration = SampleDeclarations.PostalGift(reference);
        declaration.Transport.DestinationCountryCode = "BE";
        return declaration;
    }

    /// <summary>Polls until <paramref name="read"/> returns a value (never a timing assertion).</summary>
    private static async Task<T> EventuallyAsync<T>(Func<Task<T?>> read) where T : class
    {
        using var bound = new CancellationTokenSource(Patience);
        while (true)
        {
            if (await read() is { } value)
            {
                return value;
            }
            await Task.Delay(50, bound.Token);
        }
    }

    private static Task<Declaration> CopyAtBelgiumAsync(PartnerNodes nodes, string nlName, Func<Declaration, bool>? until = null) =>
        EventuallyAsync(async () => await nodes.Be.Store.GetAsync(PartnerInbox.CopyKey(new PartnerIdentity("NL"), nlName), CancellationToken.None)
            is { } copy && (until?.Invoke(copy) ?? true) ? copy : null);

    private static PartnerAdministrationService.PartnerAdministrationServiceClient Officers(ExchangeNode node) =>
        new(node.CallInvokerAs(DevelopmentHeaderIdentityResolver.OfficerHeader, "anna"));

    [Fact]
    public async Task A_declaration_filed_at_one_node_is_assessed_at_the_destination_and_its_decision_reaches_the_filers_watch()
    {
        using var nodes = new PartnerNodes(be: ExchangeNode.AssessAtOnce, withheldFromBe: ["consignee.contact", "consignee.address"]);
        var filer = nodes.Nl.ClientFor(Filer);

        var accepted = await filer.SubmitAsync(Filer, BoundForBelgium());
        var events = await filer.WatchUntilAsync(Filer, accepted.Name, DeclarationEventType.PartnerDecisionReceived);

        var received = events[^1];
        Assert.Equal("partners/BE", received.PartnerDecision.Administration);
        Assert.Equal(DeclarationStatus.Accepted, received.Status); // NL's own status is NL's business
        Assert.Empty(received.PartnerDecision.Findings); // the filer's view leaves the partner's findings out
        Assert.Equal("", received.Actor);

        var copy = await CopyAtBelgiumAsync(nodes, accepted.Name, c => c.Decision is not null);
        Assert.Equal("partners/NL", copy.SharingOrigin.Administration);
        Assert.Equal(accepted.Name, copy.SharingOrigin.SourceDeclaration);
        Assert.Equal(accepted.CustomsReference, copy.SharingOrigin.SourceCustomsReference);
        Assert.StartsWith("filers/partner-nl/declarations/", copy.Name, StringComparison.Ordinal);
        Assert.Null(copy.Consignee.Address);
        Assert.Null(copy.Consignee.Contact);
        Assert.Equal(["consignee.contact", "consignee.address"], copy.SharingOrigin.WithheldFields);
        Assert.Contains("BE", copy.CustomsReference, StringComparison.Ordinal);
        Assert.Equal(copy.CustomsReference, received.PartnerDecision.CustomsReference);
        Assert.Equal(copy.Decision.Outcome, received.PartnerDecision.Decision.Outcome);

        var atNl = (await filer.GetDeclarationAsync(new GetDeclarationRequest { Name = accepted.Name })).Declaration;
        Assert.Equal("partners/BE", Assert.Single(atNl.PartnerDecisions).Administration);

        var partner = (await Officers(nodes.Nl).GetPartnerAsync(new GetPartnerRequest { Name = "partners/BE" })).Partner;
        Assert.Equal(0, partner.Backlog.PendingMessages);
        Assert.Equal(1, partner.Backlog.DeliveredMessages);
        Assert.Equal(["consignee.contact", "consignee.address"], partner.WithheldFields);

        // The audit log at NL records the share (the node's own act) with what BE answered.
        var audit = new Contracts.Audit.V1.AuditService.AuditServiceClient(nodes.Nl.CallInvokerAs(DevelopmentHeaderIdentityResolver.OfficerHeader, "anna"));
        var shared = await EventuallyAsync(async () =>
            (await audit.ListAuditRecordsAsync(new Contracts.Audit.V1.ListAuditRecordsRequest { Actor = "node", ResourcePrefix = accepted.Name }))
                .AuditRecords.FirstOrDefault());
        Assert.Equal(("exchange.partner.share", "OK"), (shared.Action, shared.Outcome));
        Assert.StartsWith("partners/BE applied declarations message ", shared.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Amendments_and_cancellations_follow_the_declaration_to_its_destination()
    {
        using var nodes = new PartnerNodes();
        var filer = nodes.Nl.ClientFor(Filer);
        var accepted = await filer.SubmitAsync(Filer, BoundForBelgium());
        await CopyAtBelgiumAsync(nodes, accepted.Name);

        var changed = BoundForBelgium();
        changed.Remarks = "Corrected description";
        var amended = (await filer.AmendDeclarationAsync(new AmendDeclarationRequest { Declaration = WithName(changed, accepted.Name), Etag = accepted.Etag })).Declaration;
        var amendedCopy = await CopyAtBelgiumAsync(nodes, accepted.Name, c => c.SharingOrigin.SourceRevision == amended.Revision);
        Assert.Equal("Corrected description", amendedCopy.Remarks);
        Assert.Equal(DeclarationStatus.Accepted, amendedCopy.Status);

        await filer.CancelDeclarationAsync(new CancelDeclarationRequest { Name = accepted.Name, Etag = amended.Etag, Reason = "Order cancelled by the buyer" });
        var cancelledCopy = await CopyAtBelgiumAsync(nodes, accepted.Name, c => c.Status == DeclarationStatus.Cancelled);
        Assert.Equal(3, cancelledCopy.SharingOrigin.SourceRevision);

        var events = await nodes.Be.Store.ReadEventsAsync(new PartnerIdentity("NL").SharingFilerId, EventPosition.Start, 100, null, CancellationToken.None);
        Assert.Equal([DeclarationEventType.Accepted, DeclarationEventType.Amended, DeclarationEventType.Cancelled], events.Select(e => e.Type));
        Assert.All(events, e => Assert.Equal("partners/NL", e.Actor));
    }

    [Fact]
    public async Task While_the_partner_is_unreachable_the_backlog_grows_and_afterwards_everything_arrives_once()
    {
        using var nodes = new PartnerNodes(be: ExchangeNode.AssessAtOnce);
        nodes.ToBe.Down = true;
        var filer = nodes.Nl.ClientFor(Filer);
        var names = new List<string>();
        for (var i = 0; i < 12; i++)
        {
            names.Add((await filer.SubmitAsync(Filer, BoundForBelgium($"LRN-DOWN-{i:D3}"))).Name);
        }

        var waiting = await EventuallyAsync(async () =>
            (await Officers(nodes.Nl).GetPartnerAsync(new GetPartnerRequest { Name = "partners/BE" })).Partner is { Backlog.LastError.Length: > 0 } p ? p : null);
        Assert.Equal(12, waiting.Backlog.PendingMessages);
        Assert.Contains("the test cut the line", waiting.Backlog.LastError, StringComparison.Ordinal);
        Assert.NotNull(waiting.Backlog.NextAttemptTime);
        var pending = await Officers(nodes.Nl).ListOutboxMessagesAsync(new ListOutboxMessagesRequest
        {
            Parent = "partners/BE",
            State = OutboxMessageState.Pending,
            PageSize = 5,
        });
        Assert.Equal(5, pending.OutboxMessages.Count);
        Assert.Equal(names.Take(5), pending.OutboxMessages.Select(m => m.Declaration)); // in the order they were filed
        Assert.NotEqual("", pending.NextPageToken);

        nodes.ToBe.Down = false;
        foreach (var name in names)
        {
            await filer.WatchUntilAsync(Filer, name, DeclarationEventType.PartnerDecisionReceived);
        }

        var copies = await nodes.Be.Store.ListByStatusAsync(DeclarationStatus.Assessed, new PartnerIdentity("NL").SharingFilerId, null, 100, CancellationToken.None);
        var held = await nodes.Be.Store.ListByStatusAsync(DeclarationStatus.Held, new PartnerIdentity("NL").SharingFilerId, null, 100, CancellationToken.None);
        Assert.Equal(12, copies.Count + held.Count);
        var nlEvents = await nodes.Nl.Store.ReadEventsAsync(Filer, EventPosition.Start, 1000, null, CancellationToken.None);
        Assert.All(names, name => Assert.Single(nlEvents, e => e.Declaration == name && e.Type == DeclarationEventType.PartnerDecisionReceived));
        var drained = (await Officers(nodes.Nl).GetPartnerAsync(new GetPartnerRequest { Name = "partners/BE" })).Partner.Backlog;
        Assert.Equal((0, 12, ""), (drained.PendingMessages, drained.DeliveredMessages, drained.LastError));
    }

    [Fact]
    public async Task A_message_delivered_again_takes_effect_once()
    {
        using var nodes = new PartnerNodes();
        nodes.ToBe.Down = true; // deliver by hand
        var accepted = await nodes.Nl.ClientFor(Filer).SubmitAsync(Filer, BoundForBelgium());
        var entry = Assert.Single(await EventuallyAsync(async () =>
            await ((Core.Storage.IOutboxStore)nodes.Nl.Services.GetService(typeof(Core.Storage.IOutboxStore))!).ListPendingAsync("BE", 10, CancellationToken.None) is { Count: > 0 } list ? list : null));
        var message = PartnerMessage.Parser.ParseFrom(entry.Entry.Payload);

        var first = await nodes.ToBe.Client().DeliverMessagesAsync(new DeliverMessagesRequest { Messages = { message } });
        var again = await nodes.ToBe.Client().DeliverMessagesAsync(new DeliverMessagesRequest { Messages = { message, message } });

        Assert.Equal(DeliveryOutcome.Applied, Assert.Single(first.Acknowledgements).Outcome);
        Assert.Equal([DeliveryOutcome.Duplicate, DeliveryOutcome.Duplicate], again.Acknowledgements.Select(a => a.Outcome));
        var events = await nodes.Be.Store.ReadEventsAsync(new PartnerIdentity("NL").SharingFilerId, EventPosition.Start, 100, null, CancellationToken.None);
        Assert.Equal(accepted.Name, (await CopyAtBelgiumAsync(nodes, accepted.Name)).SharingOrigin.SourceDeclaration);
        Assert.Single(events);

        // The same id with other content is not a retry: refused, and nothing changes.
        var forged = message.Clone();
        forged.SharedDeclaration.Declaration.Remarks = "something else";
        var refused = Assert.Single((await nodes.ToBe.Client().DeliverMessagesAsync(new DeliverMessagesRequest { Messages = { forged } })).Acknowledgements);
        Assert.Equal(DeliveryOutcome.Rejected, refused.Outcome);
        Assert.Equal((int)StatusCode.InvalidArgument, refused.Rejection.Code);
        Assert.Single(await nodes.Be.Store.ReadEventsAsync(new PartnerIdentity("NL").SharingFilerId, EventPosition.Start, 100, null, CancellationToken.None));
    }

    [Fact]
    public async Task An_older_revision_arriving_late_changes_nothing()
    {
        using var nodes = new PartnerNodes();
        var partner = nodes.ToBe.Client();
        var declaration = BoundForBelgium();
        declaration.Name = "filers/post-nl/declarations/0192aaaa";
        declaration.Status = DeclarationStatus.Accepted;
        declaration.CustomsReference = "26NL00000000000A1";
        PartnerMessage Revision(int revision, string remarks)
        {
            var copy = declaration.Clone();
            copy.Revision = revision;
            copy.Remarks = remarks;
            return new PartnerMessage { MessageId = $"m-{revision}", CreateTime = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow), SharedDeclaration = new SharedDeclaration { Declaration = copy } };
        }

        var answers = await partner.DeliverMessagesAsync(new DeliverMessagesRequest { Messages = { Revision(2, "second"), Revision(1, "first") } });

        Assert.Equal([DeliveryOutcome.Applied, DeliveryOutcome.Duplicate], answers.Acknowledgements.Select(a => a.Outcome));
        var copy = await CopyAtBelgiumAsync(nodes, declaration.Name);
        Assert.Equal(("second", 2L), (copy.Remarks, copy.SharingOrigin.SourceRevision));
    }

    [Fact]
    public async Task Invalid_messages_are_rejected_one_by_one_with_every_violation_named()
    {
        using var nodes = new PartnerNodes();
        var wrongDestination = BoundForBelgium();
        wrongDestination.Transport.DestinationCountryCode = "FR";
        wrongDestination.Name = "filers/post-nl/declarations/0192bbbb";
        wrongDestination.Revision = 1;
        wrongDestination.Status = DeclarationStatus.Accepted;
        var valid = BoundForBelgium();
        valid.Name = "filers/post-nl/declarations/0192cccc";
        valid.Revision = 1;
        valid.Status = DeclarationStatus.Accepted;

        var answers = await nodes.ToBe.Client().DeliverMessagesAsync(new DeliverMessagesRequest
        {
            Messages =
            {
                new PartnerMessage { MessageId = "has spaces", SharedDeclaration = new SharedDeclaration { Declaration = wrongDestination } },
                new PartnerMessage { MessageId = "empty", CreateTime = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow) },
                new PartnerMessage { MessageId = "ok", CreateTime = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow), SharedDeclaration = new SharedDeclaration { Declaration = valid } },
            },
        });

        var (first, second, third) = (answers.Acknowledgements[0], answers.Acknowledgements[1], answers.Acknowledgements[2]);
        Assert.Equal(DeliveryOutcome.Rejected, first.Outcome);
        Assert.Equal(
            ["messages[0].message_id", "messages[0].create_time", "messages[0].shared_declaration.declaration.transport.destination_country_code"],
            RpcErrors.ViolatedFields(first.Rejection));
        Assert.Equal(["messages[1]"], RpcErrors.ViolatedFields(second.Rejection));
        Assert.Equal(DeliveryOutcome.Applied, third.Outcome);
    }

    [Fact]
    public async Task A_partner_answers_only_for_what_was_shared_with_it()
    {
        using var nodes = new PartnerNodes();
        nodes.ToBe.Down = true;
        var elsewhere = SampleDeclarations.PostalGift(); // bound for DE, never shared with BE
        var mine = await nodes.Nl.ClientFor(Filer).SubmitAsync(Filer, elsewhere);
        var decision = new PartnerMessage
        {
            MessageId = "d-1",
            CreateTime = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow),
            ReturnedDecision = new ReturnedDecision
            {
                SourceDeclaration = mine.Name,
                CustomsReference = "26BE0000000000001",
                Status = DeclarationStatus.Released,
                Decision = new Decision { Outcome = DecisionOutcome.Release },
                Revision = 2,
            },
        };
        var missing = decision.Clone();
        missing.MessageId = "d-2";
        missing.ReturnedDecision.SourceDeclaration = "filers/post-nl/declarations/0000aaaa";

        var answers = await nodes.ToNl.Client().DeliverMessagesAsync(new DeliverMessagesRequest { Messages = { decision, missing } });

        Assert.All(answers.Acknowledgements, a =>
        {
            Assert.Equal(DeliveryOutcome.Rejected, a.Outcome);
            Assert.Equal((int)StatusCode.NotFound, a.Rejection.Code);
            Assert.DoesNotContain(elsewhere.LocalReferenceNumber, a.Rejection.ToString(), StringComparison.Ordinal);
        });
        var unchanged = (await nodes.Nl.ClientFor(Filer).GetDeclarationAsync(new GetDeclarationRequest { Name = mine.Name })).Declaration;
        Assert.Empty(unchanged.PartnerDecisions);
        Assert.Equal(1, unchanged.Revision);
    }

    [Fact]
    public async Task Callers_outside_the_agreements_are_refused()
    {
        using var nodes = new PartnerNodes();
        var stranger = new PartnerExchangeService.PartnerExchangeServiceClient(nodes.Be.CallInvokerAs(DevelopmentHeaderIdentityResolver.PartnerHeader, "DE"));
        var filer = new PartnerExchangeService.PartnerExchangeServiceClient(nodes.Be.CallInvokerFor(Filer));

        await RpcErrors.ExpectAsync(StatusCode.PermissionDenied, "AGREEMENT_NOT_PERMITTED",
            () => stranger.DeliverMessagesAsync(new DeliverMessagesRequest()).ResponseAsync);
        await RpcErrors.ExpectAsync(StatusCode.PermissionDenied, "AGREEMENT_NOT_PERMITTED",
            () => stranger.LookupKnownShipperStatusAsync(new LookupKnownShipperStatusRequest { TraderIdentifier = "NL123456789" }).ResponseAsync);
        await RpcErrors.ExpectAsync(StatusCode.PermissionDenied, "ROLE_NOT_PERMITTED",
            () => filer.DeliverMessagesAsync(new DeliverMessagesRequest()).ResponseAsync);
        await RpcErrors.ExpectAsync(StatusCode.InvalidArgument, "VALIDATION_FAILED",
            () => nodes.ToBe.Client().DeliverMessagesAsync(new DeliverMessagesRequest()).ResponseAsync);
    }

    [Fact]
    public async Task Officers_page_through_the_partners_in_code_order()
    {
        var settings = new Dictionary<string, string?>();
        foreach (var code in new[] { "FR", "BE", "LU" })
        {
            settings[$"Exchange:PartnerExchange:Partners:{code}:Receive:0"] = "KnownShipperLookups";
        }
        using var node = new ExchangeNode(settings: settings);
        var officers = Officers(node);

        var first = await officers.ListPartnersAsync(new ListPartnersRequest { PageSize = 2 });
        var second = await officers.ListPartnersAsync(new ListPartnersRequest { PageSize = 2, PageToken = first.NextPageToken });

        Assert.Equal(["partners/BE", "partners/FR"], first.Partners.Select(p => p.Name));
        Assert.Equal(["partners/LU"], second.Partners.Select(p => p.Name));
        Assert.Equal("", second.NextPageToken);
        Assert.Equal([MessageKind.KnownShipperLookups], second.Partners[0].Receive);
        Assert.Empty(second.Partners[0].Send);
        await RpcErrors.ExpectAsync(StatusCode.InvalidArgument, "INVALID_PAGE_TOKEN",
            () => officers.ListPartnersAsync(new ListPartnersRequest { PageToken = "not-a-token" }).ResponseAsync);
        await RpcErrors.ExpectAsync(StatusCode.NotFound, "RESOURCE_NOT_FOUND",
            () => officers.GetPartnerAsync(new GetPartnerRequest { Name = "partners/DE" }).ResponseAsync);
        await RpcErrors.ExpectAsync(StatusCode.InvalidArgument, "VALIDATION_FAILED",
            () => officers.GetPartnerAsync(new GetPartnerRequest { Name = "partners/de" }).ResponseAsync);
    }

    [Fact]
    public async Task A_wrong_agreement_stops_the_node_naming_every_problem()
    {
        using var directory = new TempDirectory();

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => ServerProcess.StartAsync(directory.Path, new Dictionary<string, string>
        {
            ["Exchange__PartnerExchange__Partners__BE__Send__0"] = "Everything",
            ["Exchange__PartnerExchange__Partners__BE__WithheldFields__0"] = "consignee.shoe_size",
            ["Exchange__PartnerExchange__Partners__NL__Receive__0"] = "Declarations",
        }));

        Assert.Contains("Partners:BE: Send: 'Everything' is not one of", error.Message, StringComparison.Ordinal);
        Assert.Contains("'shoe_size' is not a field of Party", error.Message, StringComparison.Ordinal);
        Assert.Contains("Partners:NL: 'NL' is this node's own administration", error.Message, StringComparison.Ordinal);
    }

    private static Declaration WithName(Declaration declaration, string name)
    {
        declaration.Name = name;
        return declaration;
    }
}
