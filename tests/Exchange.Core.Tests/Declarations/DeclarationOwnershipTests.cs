using Exchange.Contracts.Declaration.V1;
using Exchange.Core.Declarations;
using Exchange.Core.Identity;
using Exchange.Testing;
using Google.Protobuf.Reflection;
using Google.Protobuf.WellKnownTypes;

namespace Exchange.Core.Tests.Declarations;

/// <summary>
/// The ownership rule of DeclarationContent: the submission path shares the filer's parties and
/// items instead of copying them, and must never change a message someone else holds.
/// </summary>
public sealed class DeclarationOwnershipTests
{
    private static readonly Timestamp Then = Timestamp.FromDateTimeOffset(new DateTimeOffset(2026, 12, 3, 12, 0, 0, TimeSpan.Zero));

    [Fact]
    public void The_filer_supplied_content_drops_exactly_the_fields_the_node_owns()
    {
        // The fields cleared by hand before the set was read from declaration.proto's OUTPUT_ONLY marks.
        var content = DeclarationContent.FilerSupplied(Recorded());

        Assert.Equal(SampleDeclarations.ExpressMarketplaceSale(), content);
    }

    [Fact]
    public void The_shared_content_of_a_submission_equals_the_copied_one_and_leaves_the_request_as_it_was()
    {
        var request = Recorded();
        var before = request.Clone();

        var record = DeclarationContent.SharedFilerSupplied(request);
        Assert.Equal(DeclarationContent.FilerSupplied(request), record);
        DeclarationChanges.FirstRecord(record, new DeclarationKey("f", "d1"), "26NL0000000000000A", DateTimeOffset.UnixEpoch);

        Assert.Equal(before, request);
        Assert.Same(request.Consignee, record.Consignee); // shared, not copied: the point of it
        Assert.Same(request.Items[0], record.Items[0]);
        Assert.NotSame(request.Items, record.Items); // the list is the record's own
    }

    [Fact]
    public void A_next_revision_equals_its_declaration_and_changing_what_the_node_owns_leaves_the_declaration_as_it_was()
    {
        var current = Recorded();
        var before = current.Clone();

        var next = DeclarationContent.NextRevisionOf(current);
        Assert.Equal(current, next);
        next.Status = DeclarationStatus.Released;
        next.Decision.DecidedBy = "officers/y";
        next.Referrals[0].State = ReferralState.Closed;
        next.AgencyHolds.Add(new AgencyHold { Agency = "agencies/fda" });
        next.PartnerDecisions[0].Findings.Clear();
        next.SecurityAssessment.State = SecurityAssessmentState.Invalidated;
        next.Clearance.ReleaseTime = Then;
        next.CreateTime.Seconds++;
        Lifecycles.Stamp(next, Then);

        Assert.Equal(before, current);
    }

    [Fact]
    public void A_next_revision_has_its_own_copy_of_every_message_the_node_owns_and_shares_the_filers()
    {
        // Whatever output-only field declaration.proto gains, a change to it cannot reach back.
        var current = Recorded();
        var next = DeclarationContent.NextRevisionOf(current);

        foreach (var field in Declaration.Descriptor.Fields.InFieldNumberOrder().Where(f => f.FieldType == FieldType.Message))
        {
            var mine = Messages(field, next);
            var theirs = Messages(field, current);
            Assert.Equal(theirs.Count, mine.Count);
            for (var i = 0; i < mine.Count; i++)
            {
                if (IsOutputOnly(field))
                {
                    Assert.False(ReferenceEquals(mine[i], theirs[i]), $"{field.Name} is shared with the revision before");
                }
                else
                {
                    Assert.True(ReferenceEquals(mine[i], theirs[i]), $"{field.Name} was copied");
                }
            }
        }
    }

    [Fact]
    public void The_filer_view_of_an_owned_declaration_is_made_in_place_and_of_a_shared_one_on_a_copy()
    {
        var shared = Recorded();
        var view = FilerView.Of(shared);
        Assert.NotSame(shared, view);
        Assert.Equal("risk-engine", shared.Decision.DecidedBy);
        Assert.NotEmpty(shared.PartnerDecisions[0].Findings);

        var owned = Recorded();
        var ownedView = FilerView.Owned(owned);

        Assert.Same(owned, ownedView);
        Assert.Equal(view, ownedView);
        Assert.Equal("", ownedView.Decision.DecidedBy);
        Assert.Empty(ownedView.PartnerDecisions[0].Findings);
    }

    [Fact]
    public void The_owned_filer_view_does_not_change_a_decision_it_shares_with_another_revision()
    {
        var owned = new Declaration { Decision = new Decision { Outcome = DecisionOutcome.Release, DecidedBy = "risk-engine" } };
        var decision = owned.Decision;

        FilerView.Owned(owned);

        Assert.Equal("risk-engine", decision.DecidedBy);
        Assert.Equal("", owned.Decision.DecidedBy);
    }

    /// <summary>The sample sale as recorded and decided: every field the node owns set.</summary>
    private static Declaration Recorded()
    {
        var declaration = SampleDeclarations.ExpressMarketplaceSale();
        declaration.Name = "filers/f/declarations/d1";
        declaration.CustomsReference = "26NL0000000000000A";
        declaration.Status = DeclarationStatus.Held;
        declaration.Revision = 2;
        declaration.Etag = "0123456789abcdef";
        declaration.CreateTime = Then.Clone();
        declaration.UpdateTime = Then.Clone();
        declaration.Decision = new Decision { Outcome = DecisionOutcome.Hold, DecidedBy = "risk-engine" };
        declaration.Referrals.Add(new Referral { Name = "filers/f/declarations/d1/referrals/1", State = ReferralState.Open });
        declaration.AgencyHolds.Add(new AgencyHold { Agency = "agencies/usda" });
        declaration.AgencyRequests.Add(new AgencyRequest { Name = "filers/f/declarations/d1/agencyRequests/1" });
        declaration.DutyEstimate = new DutyEstimate { Jurisdiction = "EU" };
        declaration.DutyAssessment = new DutyAssessment { Name = "filers/f/declarations/d1/dutyAssessment" };
        declaration.SharingOrigin = new SharingOrigin { Administration = "DE" };
        declaration.PartnerDecisions.Add(new PartnerDecision { Administration = "DE", Findings = { new PartnerFinding { RuleId = "r" } } });
        declaration.SecurityAssessment = new SecurityAssessment { State = SecurityAssessmentState.Complete, CompleteTime = Then.Clone() };
        declaration.Clearance = new Clearance { State = ClearanceState.Lodged };
        declaration.MasterConsignment = new MasterConsignmentLink { State = MasterConsignmentLinkState.MasterNotFiled };
        declaration.Disposition = new Disposition { Reason = "abandoned" };
        return declaration;
    }

    private static List<object> Messages(FieldDescriptor field, Declaration declaration) =>
        field.Accessor.GetValue(declaration) switch
        {
            System.Collections.IList list => [.. list.Cast<object>()],
            { } message => [message],
            null => [],
        };

    private static bool IsOutputOnly(FieldDescriptor field) =>
        field.GetOptions()?.GetExtension(Google.Api.FieldBehaviorExtensions.FieldBehavior)?.Contains(Google.Api.FieldBehavior.OutputOnly) == true;
}
