using Exchange.Contracts.Declaration.V1;
using Exchange.Core.Consignments;
using Exchange.Core.Declarations;
using Exchange.Core.Storage;
using Google.Protobuf.WellKnownTypes;

namespace Exchange.Core.Tests.Consignments;

/// <summary>Which changes of a house its carrier is told of, and what it sees of the house then.</summary>
public sealed class CarrierNoticesTests
{
    private static readonly Consignment Master = new() { Name = "filers/swift-express/consignments/mawb-1", MasterTransportDocument = "176-12345675" };

    private static Declaration House(DeclarationStatus status, bool arrived = false) => new()
    {
        Name = "filers/global-bazaar/declarations/abc",
        Status = status,
        TransportDocument = new TransportDocument { HouseWaybill = "HAWB0001", MasterWaybill = "176-12345675" },
        Consignee = new Party { Name = "Private person" },
        Clearance = new Clearance { ArriveTime = arrived ? new Timestamp { Seconds = 1_800_000_000 } : null },
    };

    private static DeclarationWrite Write(Declaration house, params DeclarationEvent[] events) =>
        new(new Identity.DeclarationKey("global-bazaar", "abc"), house, events[^1], null, null, EarlierEvents: events[..^1]);

    private static DeclarationEvent Event(DeclarationEventType type, DeclarationStatus status, ClearanceState clearance = ClearanceState.Lodged) =>
        new() { Type = type, Status = status, ClearanceState = clearance, EventTime = new Timestamp { Seconds = 1_800_000_100 } };

    [Fact]
    public void A_decision_that_opens_referrals_tells_their_kinds_never_their_questions()
    {
        var decided = Event(DeclarationEventType.Decided, DeclarationStatus.Held);
        decided.Referrals.Add(new Referral { Type = ReferralType.RequestForInformation, State = ReferralState.Open, RequestText = "What is the invoice value?" });
        decided.Referrals.Add(new Referral { Type = ReferralType.HrcmScreening, State = ReferralState.Open });

        var notices = CarrierNotices.For(Write(House(DeclarationStatus.Held), Event(DeclarationEventType.Accepted, DeclarationStatus.Accepted), decided), Master);

        Assert.Equal(
            [(ConsignmentEventType.HouseReferralOpened, ReferralType.RequestForInformation), (ConsignmentEventType.HouseReferralOpened, ReferralType.HrcmScreening)],
            notices.Select(n => (n.Type, n.ReferralType)));
        var told = string.Join('\n', notices.Select(n => n.ToString())); // each notice as JSON
        Assert.Contains("HAWB0001", told, StringComparison.Ordinal);
        Assert.DoesNotContain("invoice", told, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("Private person", told, StringComparison.Ordinal);
        Assert.All(notices, n => Assert.Equal((Master.Name, "", "HAWB0001"), (n.Consignment, n.House.Declaration, n.House.HouseTransportDocument)));
    }

    [Fact]
    public void Arrival_tells_a_release_or_that_the_house_is_to_present_and_a_submission_tells_nothing()
    {
        var released = CarrierNotices.For(Write(House(DeclarationStatus.Released, arrived: true),
            Event(DeclarationEventType.Arrived, DeclarationStatus.Assessed, ClearanceState.Arrived),
            Event(DeclarationEventType.StatusChanged, DeclarationStatus.Released, ClearanceState.Released)), Master);
        var held = CarrierNotices.For(Write(House(DeclarationStatus.Held, arrived: true),
            Event(DeclarationEventType.Arrived, DeclarationStatus.Held, ClearanceState.Arrived)), Master);
        var pending = CarrierNotices.For(Write(House(DeclarationStatus.Accepted, arrived: true),
            Event(DeclarationEventType.Arrived, DeclarationStatus.Accepted, ClearanceState.Arrived)), Master);
        var submitted = CarrierNotices.For(Write(House(DeclarationStatus.Assessed),
            Event(DeclarationEventType.Accepted, DeclarationStatus.Accepted), Event(DeclarationEventType.Decided, DeclarationStatus.Assessed)), Master);

        Assert.Equal([ConsignmentEventType.HouseReleased], released.Select(n => n.Type));
        Assert.Equal([ConsignmentEventType.HouseControlRequired], held.Select(n => n.Type));
        Assert.Empty(pending); // its analysis may still release it: nothing to present yet
        Assert.Empty(submitted);
    }

    [Theory]
    [InlineData(DeclarationEventType.Amended, DeclarationStatus.Accepted, ConsignmentEventType.HouseAmended)]
    [InlineData(DeclarationEventType.Cancelled, DeclarationStatus.Cancelled, ConsignmentEventType.HouseInvalidated)]
    [InlineData(DeclarationEventType.Decided, DeclarationStatus.Seized, ConsignmentEventType.HouseNotReleased)]
    [InlineData(DeclarationEventType.Decided, DeclarationStatus.Released, ConsignmentEventType.HouseReleased)]
    public void Each_change_the_carrier_must_know_makes_one_notice(DeclarationEventType type, DeclarationStatus status, ConsignmentEventType told)
    {
        var notices = CarrierNotices.For(Write(House(status), Event(type, status)), Master);
        Assert.Equal([told], notices.Select(n => n.Type));
    }

    [Fact]
    public void The_carrier_sees_the_name_of_a_house_only_when_it_filed_it()
    {
        var own = House(DeclarationStatus.Held);
        own.Name = "filers/swift-express/declarations/own";
        Assert.Equal(own.Name, CarrierNotices.HouseView("swift-express", own).Declaration);
        Assert.Equal("", CarrierNotices.HouseView("other-carrier", own).Declaration);
        Assert.Equal(ClearanceState.Lodged, CarrierNotices.HouseView("swift-express", own).ClearanceState);
        Assert.Equal(Lifecycles.SecurityStateOf(own), CarrierNotices.HouseView("swift-express", own).SecurityAssessmentState);
    }
}
