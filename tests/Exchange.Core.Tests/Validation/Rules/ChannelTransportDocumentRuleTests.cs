using Exchange.Contracts.Declaration.V1;

namespace Exchange.Core.Tests.Validation.Rules;

public class ChannelTransportDocumentRuleTests
{
    [Fact]
    public void Postal_requires_the_S10_item_identifier()
    {
        var violations = ValidationAssert.ReportsExactly(Samples.Postal(d => d.TransportDocument.ItemIdentifier = ""),
            "declaration.transport_document.item_identifier");
        Assert.Contains("CHANNEL_POSTAL", violations[0].Description);
    }

    [Fact]
    public void Postal_does_not_accept_a_waybill_instead_of_the_S10_identifier() =>
        ValidationAssert.ReportsExactly(Samples.Postal(d => d.TransportDocument = new TransportDocument { HouseWaybill = "1234567890" }),
            "declaration.transport_document.item_identifier");

    [Fact]
    public void Postal_with_a_valid_S10_and_a_waybill_too_is_valid() =>
        ValidationAssert.IsValid(Samples.Postal(d => d.TransportDocument.HouseWaybill = "1234567890"));

    [Theory]
    [InlineData(Channel.Express)]
    [InlineData(Channel.Cargo)]
    public void Express_and_cargo_require_the_house_waybill(Channel channel) =>
        ValidationAssert.ReportsExactly(Samples.Express(d => { d.Channel = channel; d.TransportDocument.HouseWaybill = " "; }),
            "declaration.transport_document.house_waybill");

    [Fact]
    public void Cargo_with_a_house_waybill_is_valid() =>
        ValidationAssert.IsValid(Samples.Express(d => d.Channel = Channel.Cargo));

    [Fact]
    public void An_S10_identifier_on_the_express_channel_must_still_be_valid()
    {
        ValidationAssert.IsValid(Samples.Express(d => d.TransportDocument.ItemIdentifier = "RB123456785GB"));
        ValidationAssert.ReportsExactly(Samples.Express(d => d.TransportDocument.ItemIdentifier = "RB123456786US"),
            "declaration.transport_document.item_identifier");
    }

    [Fact]
    public void Nothing_is_added_when_the_transport_document_is_missing() =>
        ValidationAssert.ReportsExactly(Samples.Express(d => d.TransportDocument = null), "declaration.transport_document");
}
