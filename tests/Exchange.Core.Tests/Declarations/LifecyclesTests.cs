using Exchange.Contracts.Declaration.V1;
using Exchange.Core.Declarations;
using Google.Protobuf.WellKnownTypes;

namespace Exchange.Core.Tests.Declarations;

/// <summary>The two lifecycles derived from a declaration's record (lifecycle.proto).</summary>
public sealed class LifecyclesTests
{
    private static readonly Timestamp Earlier = new() { Seconds = 1_800_000_000 };
    private static readonly Timestamp Later = new() { Seconds = 1_800_003_600 };

    private static Referral Referral(ReferralType type, ReferralState state) => new() { Name = "r/1", Type = type, State = state };

    [Theory]
    [InlineData(DeclarationStatus.Accepted, SecurityAssessmentState.Registered, ClearanceState.Lodged)]
    [InlineData(DeclarationStatus.UnderReview, SecurityAssessmentState.Registered, ClearanceState.Lodged)]
    [InlineData(DeclarationStatus.Assessed, SecurityAssessmentState.Complete, ClearanceState.Lodged)]
    [InlineData(DeclarationStatus.Released, SecurityAssessmentState.Complete, ClearanceState.Released)]
    [InlineData(DeclarationStatus.Rejected, SecurityAssessmentState.Complete, ClearanceState.NotReleased)]
    [InlineData(DeclarationStatus.Seized, SecurityAssessmentState.Complete, ClearanceState.NotReleased)]
    [InlineData(DeclarationStatus.ReturnedToSender, SecurityAssessmentState.Complete, ClearanceState.NotReleased)]
    [InlineData(DeclarationStatus.Cancelled, SecurityAssessmentState.Invalidated, ClearanceState.Withdrawn)]
    [InlineData(DeclarationStatus.Held, SecurityAssessmentState.Referred, ClearanceState.Lodged)] // held for an officer's review
    public void Each_status_has_its_place_in_both_lifecycles(DeclarationStatus status, SecurityAssessmentState security, ClearanceState clearance)
    {
        var declaration = new Declaration { Status = status };
        Assert.Equal(security, Lifecycles.SecurityStateOf(declaration));
        Assert.Equal(clearance, Lifecycles.ClearanceStateOf(declaration));
    }

    [Fact]
    public void A_hold_is_referred_for_referrals_do_not_load_under_one_and_complete_when_only_agencies_hold()
    {
        var held = new Declaration { Status = DeclarationStatus.Held };
        held.Referrals.Add(Referral(ReferralType.RequestForInformation, ReferralState.Answered));
        Assert.Equal(SecurityAssessmentState.Referred, Lifecycles.SecurityStateOf(held));

        held.Referrals.Add(Referral(ReferralType.DoNotLoad, ReferralState.Open));
        Assert.Equal(SecurityAssessmentState.DoNotLoad, Lifecycles.SecurityStateOf(held));
        Assert.True(Lifecycles.CanInvalidate(held));

        var agencyOnly = new Declaration { Status = DeclarationStatus.Held };
        agencyOnly.AgencyHolds.Add(new AgencyHold { Agency = "agencies/nvwa" });
        Assert.Equal(SecurityAssessmentState.Complete, Lifecycles.SecurityStateOf(agencyOnly));
        Assert.False(Lifecycles.CanInvalidate(agencyOnly));
    }

    [Theory]
    [InlineData(DeclarationStatus.Held, false, true)]
    [InlineData(DeclarationStatus.UnderReview, false, true)]
    [InlineData(DeclarationStatus.Held, true, false)] // presented: may be released
    [InlineData(DeclarationStatus.Accepted, false, false)] // its analysis may still release it without control
    public void Goods_held_after_arrival_must_be_presented_before_release(DeclarationStatus status, bool presented, bool mustPresent)
    {
        var declaration = new Declaration { Status = status, Clearance = new Clearance { ArriveTime = Earlier, PresentationTime = presented ? Later : null } };
        Assert.Equal(mustPresent, Lifecycles.MustPresentBeforeRelease(declaration));
        Assert.True(Lifecycles.CanPresent(declaration));
        Assert.Equal(presented ? ClearanceState.Presented : ClearanceState.Arrived, Lifecycles.ClearanceStateOf(declaration));
        // Before arrival nothing is presented, and nothing waits for it.
        declaration.Clearance = new Clearance();
        Assert.False(Lifecycles.MustPresentBeforeRelease(declaration));
        Assert.False(Lifecycles.CanPresent(declaration));
    }

    [Theory]
    [InlineData(DeclarationStatus.Released)]
    [InlineData(DeclarationStatus.Seized)]
    [InlineData(DeclarationStatus.Assessed)]
    public void Released_or_final_goods_have_nothing_to_present(DeclarationStatus status)
    {
        var declaration = new Declaration { Status = status, Clearance = new Clearance { ArriveTime = Earlier, PresentationTime = Later } };
        Assert.False(Lifecycles.CanPresent(declaration));
        Assert.False(Lifecycles.MustPresentBeforeRelease(declaration));
    }

    [Fact]
    public void Arrival_moves_clearance_on_and_release_depends_on_it()
    {
        var declaration = new Declaration { Status = DeclarationStatus.Assessed };
        Assert.False(Lifecycles.HasArrived(declaration));
        Assert.Equal(DeclarationStatus.Assessed, Lifecycles.StatusOnRelease(declaration));

        declaration.Clearance = new Clearance { ArriveTime = Earlier };
        Assert.True(Lifecycles.HasArrived(declaration));
        Assert.Equal(ClearanceState.Arrived, Lifecycles.ClearanceStateOf(declaration));
        Assert.Equal(DeclarationStatus.Released, Lifecycles.StatusOnRelease(declaration));
    }

    [Fact]
    public void Stamping_records_when_the_assessment_completed_and_forgets_it_when_an_amendment_reopens_it()
    {
        var declaration = new Declaration { Status = DeclarationStatus.Assessed };
        Lifecycles.Stamp(declaration, Earlier);
        Assert.Equal(Earlier, declaration.SecurityAssessment.CompleteTime);

        Lifecycles.Stamp(declaration, Later); // still complete: the first completion stands
        Assert.Equal(Earlier, declaration.SecurityAssessment.CompleteTime);

        declaration.Status = DeclarationStatus.Accepted; // amended: analysed again
        Lifecycles.Stamp(declaration, Later);
        Assert.Equal(SecurityAssessmentState.Registered, declaration.SecurityAssessment.State);
        Assert.Null(declaration.SecurityAssessment.CompleteTime);

        declaration.Status = DeclarationStatus.Released;
        Lifecycles.Stamp(declaration, Later);
        Assert.Equal(ClearanceState.Released, declaration.Clearance.State);
        Assert.Equal(Later, declaration.Clearance.ReleaseTime);
        Assert.Equal(Later, declaration.SecurityAssessment.CompleteTime);
    }

    [Theory]
    [InlineData(DeclarationStatus.Accepted, true)]
    [InlineData(DeclarationStatus.Assessed, true)]
    [InlineData(DeclarationStatus.Held, false)]
    [InlineData(DeclarationStatus.Released, false)]
    [InlineData(DeclarationStatus.Cancelled, false)]
    public void The_filer_may_invalidate_until_a_decision_holds_or_ends_the_declaration(DeclarationStatus status, bool allowed) =>
        Assert.Equal(allowed, Lifecycles.CanInvalidate(new Declaration { Status = status }));

    [Fact]
    public void What_a_filer_sends_loses_every_output_only_field_the_lifecycles_included()
    {
        // Any field marked OUTPUT_ONLY in declaration.proto, set by a filer, must not survive: the
        // node owns it. A new output-only field that FilerSupplied forgets fails here.
        var sent = new Declaration();
        var outputOnly = Declaration.Descriptor.Fields.InDeclarationOrder()
            .Where(f => f.GetOptions()?.GetExtension(Google.Api.FieldBehaviorExtensions.FieldBehavior)
                .Contains(Google.Api.FieldBehavior.OutputOnly) == true)
            .ToList();
        Assert.Contains(outputOnly, f => f.Name == "security_assessment");
        Assert.Contains(outputOnly, f => f.Name == "clearance");
        foreach (var field in outputOnly)
        {
            Fill(sent, field);
        }
        Assert.All(outputOnly, f => Assert.True(IsSet(f, sent), $"{f.Name} could not be filled"));

        var content = DeclarationContent.FilerSupplied(sent);

        Assert.All(outputOnly, f => Assert.False(IsSet(f, content), $"{f.Name} survived FilerSupplied"));
    }

    /// <summary>Gives the field a value that is not its default, whatever its type.</summary>
    private static void Fill(Declaration declaration, Google.Protobuf.Reflection.FieldDescriptor field)
    {
        object value = field.FieldType switch
        {
            Google.Protobuf.Reflection.FieldType.Message => field.MessageType.Parser.ParseFrom(Google.Protobuf.ByteString.Empty),
            Google.Protobuf.Reflection.FieldType.String => "set by the filer",
            Google.Protobuf.Reflection.FieldType.Enum => System.Enum.ToObject(field.EnumType.ClrType, 1),
            Google.Protobuf.Reflection.FieldType.Int64 => 42L,
            Google.Protobuf.Reflection.FieldType.Int32 => 42,
            Google.Protobuf.Reflection.FieldType.Bool => true,
            var other => throw new NotSupportedException($"Fill {field.Name} of type {other}."),
        };
        if (field.IsRepeated)
        {
            ((System.Collections.IList)field.Accessor.GetValue(declaration)).Add(value);
        }
        else
        {
            field.Accessor.SetValue(declaration, value);
        }
    }

    private static bool IsSet(Google.Protobuf.Reflection.FieldDescriptor field, Declaration declaration) =>
        field.Accessor.GetValue(declaration) switch
        {
            System.Collections.IList list => list.Count > 0,
            string text => text.Length > 0,
            Google.Protobuf.IMessage => field.Accessor.HasValue(declaration),
            null => false,
            var value => Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture) != 0,
        };
}
