using Microsoft.Extensions.DependencyInjection;
using Exchange.Contracts.Declaration.V1;
using Exchange.Contracts.Enforcement.V1;
using Exchange.Server.Tests.Support;
using Exchange.Testing;
using Exchange.Testing.Hosting;
using Grpc.Core;

namespace Exchange.Server.Tests.Enforcement;

/// <summary>A clean declaration is assessed and released on its own, and the filer learns it on its watch stream.</summary>
public sealed class AutomaticDecisionTests : IDisposable
{
    private const string Filer = "post-nl";
    private const string Officer = "officer-jansen";
    private readonly ExchangeNode _node = EnforcementFlow.AssessingNode();

    public void Dispose() => _node.Dispose();

    [Fact]
    public async Task A_clean_declaration_is_released_with_edifact_code_4_and_a_duty_estimate()
    {
        var client = _node.ClientFor(Filer);
        var accepted = await client.SubmitAsync(Filer, SampleDeclarations.ExpressMarketplaceSale());

        var events = await client.WatchUntilAsync(Filer, accepted.Name, DeclarationEventType.Decided);

        Assert.Equal([DeclarationEventType.Accepted, DeclarationEventType.Decided], events.Select(e => e.Type));
        var decided = events[^1];
        // Assessment complete (ICS2 IE3N03), not released: release comes on arrival.
        Assert.Equal(DeclarationStatus.Assessed, decided.Status);
        Assert.Equal(SecurityAssessmentState.Complete, decided.SecurityAssessmentState);
        Assert.Equal(ClearanceState.Lodged, decided.ClearanceState);
        Assert.Equal(DecisionOutcome.Release, decided.Decision.Outcome);
        Assert.Equal("4", decided.Decision.ProcessingIndicator);
        Assert.Equal("", decided.Decision.DecidedBy); // the filer does not learn who decided
        Assert.Equal("", decided.Actor);
        var declaration = (await client.GetDeclarationAsync(new Contracts.Declaration.V1.GetDeclarationRequest { Name = accepted.Name })).Declaration;
        Assert.Equal(DeclarationStatus.Assessed, declaration.Status);
        Assert.NotNull(declaration.SecurityAssessment.CompleteTime);
        Assert.Null(declaration.Clearance.ReleaseTime);
        Assert.Equal(2, declaration.Revision);
        Assert.Equal("EU", declaration.DutyEstimate.Jurisdiction);
        Assert.Equal("EUR", declaration.DutyEstimate.Total.CurrencyCode);
        Assert.NotEmpty(declaration.DutyEstimate.Lines);
        Assert.Empty(declaration.Referrals);
    }

    [Fact]
    public async Task Without_a_delay_the_answer_to_a_submission_is_already_the_decision()
    {
        var client = _node.ClientFor(Filer);

        var answer = await client.SubmitAsync(Filer, SampleDeclarations.ExpressMarketplaceSale());

        Assert.Equal(DeclarationStatus.Assessed, answer.Status);
        Assert.Equal(DecisionOutcome.Release, answer.Decision.Outcome);
        Assert.Equal(2, answer.Revision);
        // Recorded in one write, but told as the two steps it is, one right after the other.
        var events = await client.WatchUntilAsync(Filer, answer.Name, DeclarationEventType.Decided);
        Assert.Equal([(DeclarationEventType.Accepted, 1L), (DeclarationEventType.Decided, 2L)], events.Select(e => (e.Type, e.Revision)));
        Assert.Equal(long.Parse(events[0].Cursor) + 1, long.Parse(events[1].Cursor));
        Assert.Equal(answer, (await client.GetDeclarationAsync(new Contracts.Declaration.V1.GetDeclarationRequest { Name = answer.Name })).Declaration);
    }

    [Fact]
    public async Task Submissions_decided_on_arrival_answer_without_who_decided_while_the_record_keeps_it()
    {
        // The answer to a submission is made the filer's view in place, without a copy
        // (FilerView.Owned): only after the store has recorded it, so officers still see who decided.
        var client = _node.ClientFor(Filer);
        var unary = await client.SubmitAsync(Filer, SampleDeclarations.ExpressMarketplaceSale("LRN-VIEW-UNARY"));
        using var call = client.BulkSubmitDeclarations();
        await call.RequestStream.WriteAsync(new BulkSubmitDeclarationsRequest
        {
            Parent = $"filers/{Filer}", Declaration = SampleDeclarations.ExpressMarketplaceSale("LRN-VIEW-BULK"), RequestId = Guid.NewGuid().ToString(),
        });
        await call.RequestStream.CompleteAsync();
        var bulk = Assert.Single(await call.ResponseStream.ReadAllAsync().ToListAsync()).Declaration;

        var officer = _node.OfficerClient(Officer);
        foreach (var answer in new[] { unary, bulk })
        {
            Assert.Equal(DeclarationStatus.Assessed, answer.Status); // decided before the answer
            Assert.Equal("", answer.Decision.DecidedBy);
            var asOfficer = (await officer.GetDeclarationAsync(new Contracts.Enforcement.V1.GetDeclarationRequest { Name = answer.Name })).Declaration;
            Assert.Equal("risk-engine", asOfficer.Decision.DecidedBy);
        }
    }

    [Fact]
    public async Task Consignments_to_one_buyer_in_one_bulk_batch_count_towards_each_others_split_shipment()
    {
        // Eight EUR 25 gifts to one consignee, decided together before any is recorded: the later
        // ones must still see the earlier ones (3 consignments, EUR 150 in 72 h make a split shipment).
        using var call = _node.ClientFor(Filer).BulkSubmitDeclarations();
        for (var i = 0; i < 8; i++)
        {
            await call.RequestStream.WriteAsync(new BulkSubmitDeclarationsRequest
            {
                Parent = $"filers/{Filer}", Declaration = SampleDeclarations.PostalGift($"LRN-SPLIT-{i}"), RequestId = Guid.NewGuid().ToString(),
            });
        }
        await call.RequestStream.CompleteAsync();
        var answers = await call.ResponseStream.ReadAllAsync().ToListAsync();

        var officer = _node.OfficerClient(Officer);
        var splitHits = new List<bool>();
        foreach (var answer in answers.OrderBy(a => a.Index))
        {
            var assessment = (await officer.GetRiskAssessmentAsync(new GetRiskAssessmentRequest { Name = answer.Declaration.Name + "/riskAssessment" })).RiskAssessment;
            splitHits.Add(assessment.Hits.Any(hit => hit.RuleId == "split-shipment"));
        }
        Assert.Equal(8, splitHits.Count);
        Assert.False(splitHits[0]);
        Assert.False(splitHits[1]);
        Assert.True(splitHits[7]);
    }

    [Fact]
    public async Task Absurd_values_in_one_bulk_batch_saturate_the_split_shipment_sum_instead_of_wrapping_it()
    {
        // Each value is above what a long holds in cents. Summed without saturation, every second
        // running total wraps negative: the fourth would then be below the threshold and its split
        // shipment (the third makes one) would go unseen.
        using var call = _node.ClientFor(Filer).BulkSubmitDeclarations();
        for (var i = 0; i < 4; i++)
        {
            var declaration = SampleDeclarations.PostalGift($"LRN-ABSURD-{i}");
            declaration.Items[0].Value = SampleDeclarations.Money("EUR", 100_000_000_000_000_000, 0);
            declaration.Totals.InvoiceTotal = SampleDeclarations.Money("EUR", 100_000_000_000_000_000, 0);
            await call.RequestStream.WriteAsync(new BulkSubmitDeclarationsRequest
            {
                Parent = $"filers/{Filer}", Declaration = declaration, RequestId = Guid.NewGuid().ToString(),
            });
        }
        await call.RequestStream.CompleteAsync();
        var answers = await call.ResponseStream.ReadAllAsync().ToListAsync();

        Assert.All(answers, answer => Assert.Null(answer.Error));
        var officer = _node.OfficerClient(Officer);
        var last = answers.MaxBy(a => a.Index)!.Declaration.Name;
        var assessment = (await officer.GetRiskAssessmentAsync(new GetRiskAssessmentRequest { Name = last + "/riskAssessment" })).RiskAssessment;
        Assert.Contains(assessment.Hits, hit => hit.RuleId == "split-shipment");
    }

    [Fact]
    public async Task The_officer_sees_the_assessment_and_the_audit_trail_with_actors()
    {
        var client = _node.ClientFor(Filer);
        var decided = await client.SubmitAndAwaitDecisionAsync(Filer, SampleDeclarations.ExpressMarketplaceSale());
        var officer = _node.OfficerClient(Officer);

        var assessment = (await officer.GetRiskAssessmentAsync(new GetRiskAssessmentRequest { Name = decided.Name + "/riskAssessment" })).RiskAssessment;
        var audit = (await officer.ListDeclarationEventsAsync(new ListDeclarationEventsRequest { Declaration = decided.Name })).Events;
        var asOfficer = (await officer.GetDeclarationAsync(new Contracts.Enforcement.V1.GetDeclarationRequest { Name = decided.Name })).Declaration;

        Assert.Equal(decided.Name + "/riskAssessment", assessment.Name);
        Assert.Equal(1, assessment.DeclarationRevision);
        Assert.Equal(DecisionOutcome.Release, assessment.RecommendedOutcome);
        Assert.NotEmpty(assessment.RuleSetVersion);
        Assert.NotNull(assessment.AssessTime);
        Assert.Equal([$"filers/{Filer}", "risk-engine"], audit.Select(e => e.Actor));
        Assert.Equal("risk-engine", asOfficer.Decision.DecidedBy);
    }

    [Fact]
    public async Task An_officer_cannot_seize_a_released_declaration()
    {
        var client = _node.ClientFor(Filer);
        var assessed = await client.SubmitAndAwaitDecisionAsync(Filer, SampleDeclarations.ExpressMarketplaceSale());
        var released = await client.ArriveAsync(assessed.Name);
        Assert.Equal(DeclarationStatus.Released, released.Status);

        var status = await EnforcementFlow.ExpectAsync(StatusCode.FailedPrecondition, "INVALID_STATE_TRANSITION",
            _node.OfficerClient(Officer).DecideDeclarationAsync(new DecideDeclarationRequest
            {
                Name = released.Name,
                Outcome = DecisionOutcome.Seize,
                Reason = "Counterfeit goods found at examination.",
                Etag = released.Etag,
            }));

        Assert.Contains("RELEASED", status.Message);
    }

    [Fact]
    public async Task Each_service_refuses_callers_of_another_role()
    {
        var filerAsOfficer = new EnforcementService.EnforcementServiceClient(_node.CallInvokerFor(Filer));
        var officerAsFiler = new DeclarationService.DeclarationServiceClient(
            _node.CallInvokerAs(Exchange.Server.Identity.DevelopmentHeaderIdentityResolver.OfficerHeader, Officer));
        var filerAsAgency = new AgencyService.AgencyServiceClient(_node.CallInvokerFor(Filer));
        var filerAsRegistry = new KnownShipperService.KnownShipperServiceClient(_node.CallInvokerFor(Filer));

        await EnforcementFlow.ExpectAsync(StatusCode.PermissionDenied, "ROLE_NOT_PERMITTED",
            filerAsOfficer.ListDeclarationsAsync(new Contracts.Enforcement.V1.ListDeclarationsRequest { Parent = "filers/-" }));
        await EnforcementFlow.ExpectAsync(StatusCode.PermissionDenied, "ROLE_NOT_PERMITTED",
            officerAsFiler.GetDeclarationAsync(new Contracts.Declaration.V1.GetDeclarationRequest { Name = $"filers/{Filer}/declarations/x" }));
        await EnforcementFlow.ExpectAsync(StatusCode.PermissionDenied, "ROLE_NOT_PERMITTED",
            filerAsAgency.ListSubscriptionsAsync(new ListSubscriptionsRequest { Parent = "agencies/fda" }));
        await EnforcementFlow.ExpectAsync(StatusCode.PermissionDenied, "ROLE_NOT_PERMITTED",
            filerAsRegistry.ListProgrammesAsync(new ListProgrammesRequest()));
    }

    [Fact]
    public async Task A_currency_the_node_has_no_rate_for_is_still_accepted_and_decided()
    {
        var declaration = SampleDeclarations.ExpressMarketplaceSale();
        foreach (var item in declaration.Items)
        {
            item.Value.CurrencyCode = "ARS"; // valid ISO 4217, absent from the default rates
        }
        declaration.Totals.InvoiceTotal.CurrencyCode = "ARS";

        var decided = await _node.ClientFor(Filer).SubmitAndAwaitDecisionAsync(Filer, declaration);

        Assert.NotEqual(DecisionOutcome.Unspecified, decided.Decision.Outcome);
        Assert.Null(decided.DutyEstimate); // no rate, no estimate: never a wrong one
    }

    [Fact]
    public async Task A_declaration_the_assessor_cannot_assess_is_held_for_an_officer_and_the_queue_moves_on()
    {
        // A corrupt registry record makes every known-shipper look-up fail.
        var registry = _node.Services.GetRequiredService<Exchange.Core.Storage.IRegistryStore>();
        await registry.TryInsertAsync(new Exchange.Core.Storage.RegistryRecord("programme", "programmes/broken", 1, [0xFF, 0xFF, 0xFF]), default);
        var client = _node.ClientFor(Filer);

        var first = await client.SubmitAndAwaitDecisionAsync(Filer, SampleDeclarations.ExpressMarketplaceSale("LRN-A"));
        var second = await client.SubmitAndAwaitDecisionAsync(Filer, SampleDeclarations.PostalGift("LRN-B"));

        Assert.All([first, second], held =>
        {
            Assert.Equal(DeclarationStatus.Held, held.Status);
            Assert.Equal(DecisionOutcome.Hold, held.Decision.Outcome);
            Assert.Contains("officer", held.Decision.Reason);
        });
        var released = (await _node.OfficerClient(Officer).DecideDeclarationAsync(new DecideDeclarationRequest
        {
            Name = first.Name, Outcome = DecisionOutcome.Release, Reason = "Checked by hand.", Etag = first.Etag,
        })).Declaration;
        Assert.Equal(DeclarationStatus.Assessed, released.Status); // released on arrival
    }

    [Fact]
    public async Task An_absurdly_large_value_is_still_recorded_and_decided()
    {
        var declaration = SampleDeclarations.PostalGift();
        declaration.Items[0].Value.Units = 100_000_000_000_000_000; // 1e17 EUR: 1e19 cents, beyond a long
        declaration.Totals.InvoiceTotal.Units = declaration.Items[0].Value.Units;

        var decided = await _node.ClientFor(Filer).SubmitAndAwaitDecisionAsync(Filer, declaration);

        Assert.NotEqual(DecisionOutcome.Unspecified, decided.Decision.Outcome);
    }

    [Fact]
    public async Task A_filer_cannot_write_decisions_referrals_holds_or_estimates()
    {
        using var waitingNode = new ExchangeNode(); // assesses after an hour: what the filer sent stays visible
        var declaration = SampleDeclarations.PostalGift();
        declaration.Decision = new Decision { Outcome = DecisionOutcome.Release, ProcessingIndicator = "4" };
        declaration.Referrals.Add(new Referral { Name = "x", Type = ReferralType.DoNotLoad });
        declaration.AgencyHolds.Add(new AgencyHold { Agency = "agencies/x" });
        declaration.DutyEstimate = new DutyEstimate { Jurisdiction = "EU" };

        var accepted = await waitingNode.ClientFor(Filer).SubmitAsync(Filer, declaration);

        // AIP-203: output-only fields in a request are ignored.
        Assert.Equal(DeclarationStatus.Accepted, accepted.Status);
        Assert.Null(accepted.Decision);
        Assert.Empty(accepted.Referrals);
        Assert.Empty(accepted.AgencyHolds);
        Assert.Null(accepted.DutyEstimate);
    }
}
