using Exchange.Contracts.Declaration.V1;
using Exchange.Contracts.Enforcement.V1;
using Exchange.Contracts.Partner.V1;
using Exchange.Core.Identity;
using Exchange.Core.Partners;
using Exchange.Core.Storage;
using Exchange.Testing;
using Google.Protobuf.WellKnownTypes;

namespace Exchange.Core.Tests.Partners;

public sealed class PartnerSharingTests
{
    private static readonly PartnerSharing Sharing = new(new PartnerAgreements("NL",
    [
        new PartnerAgreement("BE", "https://be.example", new HashSet<MessageKind> { MessageKind.Declarations, MessageKind.Decisions },
            new HashSet<MessageKind> { MessageKind.Declarations, MessageKind.Decisions }, ["consignee.contact", "consignee.address"]),
        new PartnerAgreement("FR", "https://fr.example", new HashSet<MessageKind>(), new HashSet<MessageKind> { MessageKind.Declarations }, []),
    ]));

    private static DeclarationWrite FiledHere(string destination, DeclarationEventType type)
    {
        var key = new DeclarationKey("post-nl", "0192aa");
        var declaration = SampleDeclarations.PostalGift();
        declaration.Name = key.Name;
        declaration.Revision = 2;
        declaration.Status = DeclarationStatus.Accepted;
        declaration.UpdateTime = Timestamp.FromDateTimeOffset(new DateTimeOffset(2026, 11, 28, 9, 0, 0, TimeSpan.Zero));
        declaration.Transport.DestinationCountryCode = destination;
        declaration.Decision = new Decision { Outcome = DecisionOutcome.Release, DecidedBy = "officers/anna" };
        declaration.DutyEstimate = new DutyEstimate();
        return new DeclarationWrite(key, declaration, new DeclarationEvent { Type = type }, null, null);
    }

    [Theory]
    [InlineData(DeclarationEventType.Accepted)]
    [InlineData(DeclarationEventType.Amended)]
    [InlineData(DeclarationEventType.Cancelled)]
    public void A_declaration_bound_for_a_partner_is_shared_when_filed_amended_or_cancelled(DeclarationEventType type)
    {
        var entry = Assert.Single(Sharing.EntriesFor(FiledHere("BE", type)));

        Assert.Equal("BE", entry.Partner);
        Assert.Equal(MessageKind.Declarations, entry.Kind);
        Assert.Equal("filers/post-nl/declarations/0192aa", entry.DeclarationName);
        var message = PartnerMessage.Parser.ParseFrom(entry.Payload);
        Assert.Equal(entry.MessageId, message.MessageId);
        Assert.True(Guid.TryParseExact(message.MessageId, "D", out _));
        var shared = message.SharedDeclaration;
        Assert.Equal(2, shared.Declaration.Revision);
        Assert.Equal(["consignee.contact", "consignee.address"], shared.WithheldFields);
        Assert.Null(shared.Declaration.Consignee.Address);
        Assert.Null(shared.Declaration.Consignee.Contact);
        Assert.NotEqual("", shared.Declaration.Consignee.Name);
        // This administration's own enforcement output is not the partner's business.
        Assert.Null(shared.Declaration.Decision);
        Assert.Null(shared.Declaration.DutyEstimate);
    }

    [Theory]
    [InlineData(DeclarationEventType.Decided)]
    [InlineData(DeclarationEventType.ReferralAnswered)]
    [InlineData(DeclarationEventType.PartnerDecisionReceived)]
    public void Other_changes_of_a_declaration_filed_here_are_not_shared(DeclarationEventType type) =>
        Assert.Empty(Sharing.EntriesFor(FiledHere("BE", type)));

    [Theory]
    [InlineData("DE")] // no agreement
    [InlineData("FR")] // agreement, but nothing is sent to FR
    [InlineData("NL")] // our own
    public void Nothing_is_shared_without_an_agreement_to_send_to_the_destination(string destination) =>
        Assert.Empty(Sharing.EntriesFor(FiledHere(destination, DeclarationEventType.Accepted)));

    [Fact]
    public void A_decision_on_a_partners_declaration_goes_back_to_it_with_the_findings_it_followed()
    {
        var key = new DeclarationKey(new PartnerIdentity("BE").SharingFilerId, "abcd");
        var copy = SampleDeclarations.PostalGift();
        copy.Name = key.Name;
        copy.Revision = 2;
        copy.Status = DeclarationStatus.Held;
        copy.CustomsReference = "26NL0000000000001";
        copy.Decision = new Decision { Outcome = DecisionOutcome.Hold, DecidedBy = "risk-engine", Reason = "undervalued" };
        copy.SharingOrigin = new SharingOrigin { Administration = "partners/BE", SourceDeclaration = "filers/bpost/declarations/x1" };
        var assessment = new RiskAssessment { DeclarationRevision = 1, Hits = { new RuleHit { RuleId = "undervaluation", Reason = "Below reference", FieldPaths = { "items[0].value" } } } };
        var write = new DeclarationWrite(key, copy, new DeclarationEvent { Type = DeclarationEventType.Decided }, null, null,
            Facts: new DeclarationFacts("k", 0, assessment, []));

        var entry = Assert.Single(Sharing.EntriesFor(write));

        Assert.Equal(("BE", MessageKind.Decisions), (entry.Partner, entry.Kind));
        var returned = PartnerMessage.Parser.ParseFrom(entry.Payload).ReturnedDecision;
        Assert.Equal("filers/bpost/declarations/x1", returned.SourceDeclaration);
        Assert.Equal(DeclarationStatus.Held, returned.Status);
        Assert.Equal(DecisionOutcome.Hold, returned.Decision.Outcome);
        Assert.Equal("", returned.Decision.DecidedBy);
        Assert.Equal(2, returned.Revision);
        Assert.Equal("undervaluation", Assert.Single(returned.Findings).RuleId);
    }

    [Fact]
    public void A_partners_declaration_is_never_shared_onwards()
    {
        var key = new DeclarationKey(new PartnerIdentity("BE").SharingFilerId, "abcd");
        var copy = SampleDeclarations.PostalGift();
        copy.Transport.DestinationCountryCode = "BE";
        copy.SharingOrigin = new SharingOrigin { Administration = "partners/BE", SourceDeclaration = "filers/bpost/declarations/x1" };

        Assert.Empty(Sharing.EntriesFor(new DeclarationWrite(key, copy, new DeclarationEvent { Type = DeclarationEventType.Accepted }, null, null)));
        Assert.Empty(Sharing.EntriesFor(new DeclarationWrite(key, copy, new DeclarationEvent { Type = DeclarationEventType.Amended }, null, null)));
    }
}
