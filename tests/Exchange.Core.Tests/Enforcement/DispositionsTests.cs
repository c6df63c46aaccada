using Exchange.Contracts.Declaration.V1;
using Exchange.Contracts.Enforcement.V1;
using Exchange.Core.Enforcement;
using Exchange.Core.Errors;
using Exchange.Core.Validation;
using Exchange.Testing;
using Google.Protobuf.WellKnownTypes;

namespace Exchange.Core.Tests.Enforcement;

/// <summary>The disposition rules in one place: what a request must carry, from where each type may be recorded, and the notices.</summary>
public sealed class DispositionsTests
{
    private static readonly Timestamp Now = Timestamp.FromDateTimeOffset(new DateTimeOffset(2026, 12, 3, 10, 0, 0, TimeSpan.Zero));

    private static Declaration Held(Declaration sample, bool arrived = true, bool doNotLoad = false)
    {
        var declaration = sample.Clone();
        declaration.Name = "filers/f/declarations/d-1";
        declaration.CustomsReference = "26NL0000000000000X";
        declaration.Status = DeclarationStatus.Held;
        if (arrived)
        {
            declaration.Clearance = new Clearance { ArriveTime = Now };
        }
        if (doNotLoad)
        {
            declaration.Referrals.Add(new Referral { Type = ReferralType.DoNotLoad, State = ReferralState.Open });
        }
        return declaration;
    }

    private static RecordDispositionRequest Request(DispositionType type, string returnItem = "") => new()
    {
        Name = "filers/f/declarations/d-1", Type = type, Reason = "Found.", ReturnItemIdentifier = returnItem,
        LegalBasis = new LegalBasis { Code = "ART-198", Citation = "Article 198" },
    };

    [Fact]
    public void A_waybill_returns_an_express_item_and_an_S10_a_postal_one()
    {
        var express = Dispositions.Apply(Held(SampleDeclarations.ExpressMarketplaceSale()), Request(DispositionType.ReturnedToSender, "RET-0001"), new(), Now);
        Assert.Equal(("RET-0001", DeclarationStatus.ReturnedToSender), (express.Next.Disposition.ReturnItemIdentifier, express.Next.Status));

        var refused = Assert.Throws<ValidationFailedException>(() =>
            Dispositions.Apply(Held(SampleDeclarations.PostalGift()), Request(DispositionType.ReturnedToSender, "RET-0001"), new(), Now));
        Assert.Equal("return_item_identifier", Assert.Single(refused.Violations).Field);
    }

    [Fact]
    public void Notices_go_to_the_consignee_and_only_a_named_seller_with_the_configured_appeal_period()
    {
        var gift = Held(SampleDeclarations.PostalGift());
        gift.Seller = null;
        var options = new DispositionOptions { AdministrationName = "Zoll", AppealPeriod = TimeSpan.FromDays(14), AppealInstructions = "write to us." };

        var change = Dispositions.Apply(gift, Request(DispositionType.Destroyed), options, Now);

        var notice = Assert.Single(change.Next.Disposition.Notices);
        Assert.Equal((NoticeRecipient.Consignee, gift.Consignee.Name), (notice.Recipient, notice.PartyName));
        Assert.Contains("Zoll has destroyed the goods sent to you", notice.Text, StringComparison.Ordinal);
        Assert.Contains("within 14 days, by 2026-12-17 10:00 UTC: write to us.", notice.Text, StringComparison.Ordinal);
        Assert.Equal(DeclarationEventType.Disposed, change.Type);
    }

    [Fact]
    public void An_invalidation_needs_an_open_do_not_load_before_arrival_and_the_others_need_arrival()
    {
        var express = SampleDeclarations.ExpressMarketplaceSale();
        Assert.Throws<InvalidStateTransitionException>(() =>
            Dispositions.Apply(Held(express, arrived: false), Request(DispositionType.Invalidated), new(), Now));
        Assert.Throws<GoodsArrivedException>(() =>
            Dispositions.Apply(Held(express, arrived: true, doNotLoad: true), Request(DispositionType.Invalidated), new(), Now));
        Assert.Throws<GoodsNotArrivedException>(() =>
            Dispositions.Apply(Held(express, arrived: false), Request(DispositionType.Seized), new(), Now));

        var invalidated = Dispositions.Apply(Held(express, arrived: false, doNotLoad: true), Request(DispositionType.Invalidated), new(), Now);
        Assert.Equal(DeclarationStatus.Cancelled, invalidated.Next.Status);
        Assert.Empty(invalidated.Next.Disposition.Notices);
        Assert.All(invalidated.Next.Referrals, r => Assert.Equal(ReferralState.Closed, r.State));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(3651)]
    public void An_appeal_period_outside_1_to_3650_days_is_a_settings_problem(int days)
    {
        Assert.Single(new DispositionOptions { AppealPeriod = TimeSpan.FromDays(days) }.Problems());
    }

    [Fact]
    public void An_identifier_on_a_type_that_returns_nothing_is_refused()
    {
        var violations = new List<FieldViolation>();
        Dispositions.Check(Request(DispositionType.Seized, "RB123456785GB"), channel: null, violations);
        Assert.Equal("return_item_identifier", Assert.Single(violations).Field);
    }
}
