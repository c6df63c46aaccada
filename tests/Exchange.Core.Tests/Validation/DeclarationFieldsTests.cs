using Exchange.Contracts.Declaration.V1;
using Exchange.Core.Validation;
using Exchange.Testing;
using Google.Protobuf.WellKnownTypes;
using static Exchange.Testing.SampleDeclarations;

namespace Exchange.Core.Tests.Validation;

/// <summary>
/// Each case breaks one field of a valid sample and names the exact path(s) that must be reported,
/// and nothing else.
/// </summary>
public class DeclarationFieldsTests
{
    private static readonly Dictionary<string, (Func<Declaration> Build, string[] Paths)> Cases = new()
    {
        // Header.
        ["LRN missing"] = (() => Samples.Postal(d => d.LocalReferenceNumber = ""), ["declaration.local_reference_number"]),
        ["LRN blank"] = (() => Samples.Postal(d => d.LocalReferenceNumber = "   "), ["declaration.local_reference_number"]),
        ["LRN with a space"] = (() => Samples.Postal(d => d.LocalReferenceNumber = "LRN 1"), ["declaration.local_reference_number"]),
        ["LRN of 23 characters"] = (() => Samples.Postal(d => d.LocalReferenceNumber = new string('A', 23)), ["declaration.local_reference_number"]),
        ["UCR of 36 characters"] = (() => Samples.Express(d => d.UniqueConsignmentReference = new string('U', 36)), ["declaration.unique_consignment_reference"]),
        ["channel unspecified"] = (() => Samples.Postal(d => d.Channel = Channel.Unspecified), ["declaration.channel"]),
        ["channel unknown number"] = (() => Samples.Postal(d => d.Channel = (Channel)99), ["declaration.channel"]),
        ["category unspecified"] = (() => Samples.Postal(d => d.Category = ItemCategory.Unspecified), ["declaration.category"]),
        ["category unknown number"] = (() => Samples.Postal(d => d.Category = (ItemCategory)42), ["declaration.category"]),
        ["nature of cargo unspecified"] = (() => Samples.Postal(d => d.NatureOfCargo = NatureOfCargo.Unspecified), ["declaration.nature_of_cargo"]),
        ["nature of cargo unknown number"] = (() => Samples.Postal(d => d.NatureOfCargo = (NatureOfCargo)7), ["declaration.nature_of_cargo"]),
        ["remarks of 513 characters"] = (() => Samples.Postal(d => d.Remarks = new string('r', 513)), ["declaration.remarks"]),
        ["remarks with a line break"] = (() => Samples.Postal(d => d.Remarks = "fragile\r\nhandle with care"), ["declaration.remarks"]),
        ["IOSS number malformed"] = (() => Samples.Express(d => d.IossNumber = "IM52800012"), ["declaration.ioss_number"]),

        // Transport document.
        ["transport document missing"] = (() => Samples.Postal(d => d.TransportDocument = null), ["declaration.transport_document"]),
        ["S10 with a wrong check digit"] = (() => Samples.Postal(d => d.TransportDocument.ItemIdentifier = "RB123456786CN"), ["declaration.transport_document.item_identifier"]),
        ["S10 of an unknown country"] = (() => Samples.Postal(d => d.TransportDocument.ItemIdentifier = "RB123456785XX"), ["declaration.transport_document.item_identifier"]),
        ["master waybill of 71 characters"] = (() => Samples.Express(d => d.TransportDocument.MasterWaybill = new string('1', 71)), ["declaration.transport_document.master_waybill"]),
        ["house waybill with a tab"] = (() => Samples.Express(d => d.TransportDocument.HouseWaybill = "12345\t67890"), ["declaration.transport_document.house_waybill"]),

        // Parties.
        ["consignor missing"] = (() => Samples.Postal(d => d.Consignor = null), ["declaration.consignor"]),
        ["consignee missing"] = (() => Samples.Postal(d => d.Consignee = null), ["declaration.consignee"]),
        ["consignee name missing"] = (() => Samples.Postal(d => d.Consignee.Name = ""), ["declaration.consignee.name"]),
        ["consignee name of 71 characters"] = (() => Samples.Postal(d => d.Consignee.Name = new string('n', 71)), ["declaration.consignee.name"]),
        ["consignee type unknown number"] = (() => Samples.Postal(d => d.Consignee.Type = (PartyType)9), ["declaration.consignee.type"]),
        ["consignee address missing"] = (() => Samples.Postal(d => d.Consignee.Address = null), ["declaration.consignee.address"]),
        ["no street line"] = (() => Samples.Postal(d => d.Consignee.Address.StreetLines.Clear()), ["declaration.consignee.address.street_lines"]),
        ["four street lines"] = (() => Samples.Postal(d => d.Consignee.Address.StreetLines.Add(["b", "c", "d"])), ["declaration.consignee.address.street_lines"]),
        ["empty second street line"] = (() => Samples.Postal(d => d.Consignee.Address.StreetLines.Add("")), ["declaration.consignee.address.street_lines[1]"]),
        ["street line of 71 characters"] = (() => Samples.Postal(d => d.Consignee.Address.StreetLines[0] = new string('s', 71)), ["declaration.consignee.address.street_lines[0]"]),
        ["street line with a control character"] = (() => Samples.Postal(d => d.Consignor.Address.StreetLines[0] = "88 Huaihai\u001BRoad"), ["declaration.consignor.address.street_lines[0]"]),
        ["city missing"] = (() => Samples.Postal(d => d.Consignee.Address.City = ""), ["declaration.consignee.address.city"]),
        ["city of 36 characters"] = (() => Samples.Postal(d => d.Consignee.Address.City = new string('c', 36)), ["declaration.consignee.address.city"]),
        ["postcode of 18 characters"] = (() => Samples.Postal(d => d.Consignee.Address.Postcode = new string('1', 18)), ["declaration.consignee.address.postcode"]),
        ["subdivision of 36 characters"] = (() => Samples.Postal(d => d.Consignee.Address.Subdivision = new string('s', 36)), ["declaration.consignee.address.subdivision"]),
        ["address country missing"] = (() => Samples.Postal(d => d.Consignee.Address.CountryCode = ""), ["declaration.consignee.address.country_code"]),
        ["address country in lower case"] = (() => Samples.Postal(d => d.Consignee.Address.CountryCode = "de"), ["declaration.consignee.address.country_code"]),
        ["address country XK"] = (() => Samples.Postal(d => d.Consignee.Address.CountryCode = "XK"), ["declaration.consignee.address.country_code"]),
        ["EORI with an unknown country"] = (() => Samples.Express(d => d.Declarant.Party.Eori = "QQ123456789000"), ["declaration.declarant.party.eori"]),
        ["EORI of 18 characters"] = (() => Samples.Express(d => d.Declarant.Party.Eori = "NL1234567890123456"), ["declaration.declarant.party.eori"]),
        ["tax id of 18 characters"] = (() => Samples.Postal(d => d.Consignor.TaxId = new string('7', 18)), ["declaration.consignor.tax_id"]),
        ["e-mail malformed"] = (() => Samples.Postal(d => d.Consignee.Contact = new Contact { Email = "anna.schmidt" }), ["declaration.consignee.contact.email"]),
        ["phone in national notation"] = (() => Samples.Postal(d => d.Consignee.Contact = new Contact { Phone = "030 1234567" }), ["declaration.consignee.contact.phone"]),
        ["seller name missing"] = (() => Samples.Express(d => d.Seller.Name = ""), ["declaration.seller.name"]),
        ["deliver-to party without a city"] = (() => Samples.Postal(d => d.DeliverTo = Person("Eva Schmidt", "Hauptstrasse 7", "", "10115", "DE")), ["declaration.deliver_to.address.city"]),
        ["marketplace name missing"] = (() => Samples.Express(d => d.Marketplace.Name = ""), ["declaration.marketplace.name"]),
        ["marketplace website not http"] = (() => Samples.Express(d => d.Marketplace.Website = "ftp://globalbazaar.example"), ["declaration.marketplace.website"]),
        ["marketplace order id of 71 characters"] = (() => Samples.Express(d => d.Marketplace.OrderId = new string('o', 71)), ["declaration.marketplace.order_id"]),
        ["marketplace seller id of 71 characters"] = (() => Samples.Express(d => d.Marketplace.SellerId = new string('s', 71)), ["declaration.marketplace.seller_id"]),
        ["declarant missing"] = (() => Samples.Postal(d => d.Declarant = null), ["declaration.declarant"]),
        ["declarant party missing"] = (() => Samples.Postal(d => d.Declarant.Party = null), ["declaration.declarant.party"]),
        ["declarant role unspecified"] = (() => Samples.Postal(d => d.Declarant.Role = FilerRole.Unspecified), ["declaration.declarant.role"]),
        ["declarant role unknown number"] = (() => Samples.Postal(d => d.Declarant.Role = (FilerRole)1000), ["declaration.declarant.role"]),
        ["originator code of 36 characters"] = (() => Samples.Express(d => d.Declarant.OriginatorCode = new string('O', 36)), ["declaration.declarant.originator_code"]),

        // Goods items.
        ["no items"] = (() => Samples.Postal(d => d.Items.Clear()), ["declaration.items"]),
        ["description of 2 characters"] = (() => Samples.Postal(d => d.Items[0].Description = "ab"), ["declaration.items[0].description"]),
        ["description of 513 characters"] = (() => Samples.Postal(d => d.Items[0].Description = new string('d', 513)), ["declaration.items[0].description"]),
        ["description too vague"] = (() => Samples.Postal(d => d.Items[0].Description = "Clothes"), ["declaration.items[0].description"]),
        ["HS code with a dot"] = (() => Samples.Express(d => d.Items[1].HsCode = "3926.90"), ["declaration.items[1].hs_code"]),
        ["HS code of reserved chapter 77"] = (() => Samples.Express(d => d.Items[1].HsCode = "770000"), ["declaration.items[1].hs_code"]),
        ["quantity missing"] = (() => Samples.Postal(d => d.Items[0].Quantity = null), ["declaration.items[0].quantity"]),
        ["quantity value missing"] = (() => Samples.Postal(d => d.Items[0].Quantity.Value = null), ["declaration.items[0].quantity.value"]),
        ["quantity zero"] = (() => Samples.Postal(d => d.Items[0].Quantity.Value = Dec("0")), ["declaration.items[0].quantity.value"]),
        ["quantity with 7 decimals"] = (() => Samples.Postal(d => d.Items[0].Quantity.Value = Dec("1.0000001")), ["declaration.items[0].quantity.value"]),
        ["unit code missing"] = (() => Samples.Postal(d => d.Items[0].Quantity.UnitCode = ""), ["declaration.items[0].quantity.unit_code"]),
        ["unit code in lower case"] = (() => Samples.Postal(d => d.Items[0].Quantity.UnitCode = "pcs"), ["declaration.items[0].quantity.unit_code"]),
        ["net weight missing"] = (() => Samples.Postal(d => d.Items[0].NetWeightKg = null), ["declaration.items[0].net_weight_kg"]),
        ["net weight empty string"] = (() => Samples.Postal(d => d.Items[0].NetWeightKg = Dec("")), ["declaration.items[0].net_weight_kg"]),
        ["net weight with an exponent"] = (() => Samples.Postal(d => d.Items[0].NetWeightKg = Dec("2.5e-1")), ["declaration.items[0].net_weight_kg"]),
        ["net weight with a decimal comma"] = (() => Samples.Postal(d => d.Items[0].NetWeightKg = Dec("0,25")), ["declaration.items[0].net_weight_kg"]),
        ["net weight with 7 decimals"] = (() => Samples.Postal(d => d.Items[0].NetWeightKg = Dec("0.2500001")), ["declaration.items[0].net_weight_kg"]),
        ["net weight negative"] = (() => Samples.Postal(d => d.Items[0].NetWeightKg = Dec("-0.25")), ["declaration.items[0].net_weight_kg"]),
        ["value missing"] = (() => Samples.Postal(d => d.Items[0].Value = null), ["declaration.items[0].value"]),
        ["value zero, total zero"] = (() => Samples.Postal(d => { d.Items[0].Value = Money("EUR", 0, 0); d.Totals.InvoiceTotal = Money("EUR", 0, 0); }), ["declaration.items[0].value"]),
        ["value with nanos out of range"] = (() => Samples.Postal(d => d.Items[0].Value.Nanos = 1_000_000_000), ["declaration.items[0].value.nanos"]),
        ["value with units and nanos of opposite signs"] = (() => Samples.Postal(d => d.Items[0].Value.Nanos = -1), ["declaration.items[0].value.nanos"]),
        ["value with 3 decimals in EUR"] = (() => Samples.Postal(d => { d.Items[0].Value.Nanos = 1_000_000; d.Totals.InvoiceTotal.Nanos = 1_000_000; }),
            ["declaration.items[0].value.nanos", "declaration.totals.invoice_total.nanos"]),
        ["value currency not ISO 4217"] = (() => Samples.Postal(d => d.Items[0].Value.CurrencyCode = "EURO"), ["declaration.items[0].value.currency_code"]),
        ["origin country XX"] = (() => Samples.Postal(d => d.Items[0].OriginCountryCode = "XX"), ["declaration.items[0].origin_country_code"]),
        ["SKU of 71 characters"] = (() => Samples.Express(d => d.Items[0].Sku = new string('k', 71)), ["declaration.items[0].sku"]),
        ["product URL relative"] = (() => Samples.Express(d => d.Items[0].ProductUrl = "/item/wb-200"), ["declaration.items[0].product_url"]),
        ["picture URL with a space"] = (() => Samples.Express(d => d.Items[1].PictureUrl = "https://img.example/phone case.jpg"), ["declaration.items[1].picture_url"]),

        // Totals.
        ["totals missing"] = (() => Samples.Postal(d => d.Totals = null), ["declaration.totals"]),
        ["invoice total missing"] = (() => Samples.Postal(d => d.Totals.InvoiceTotal = null), ["declaration.totals.invoice_total"]),
        ["invoice total currency not ISO 4217"] = (() => Samples.Postal(d => d.Totals.InvoiceTotal.CurrencyCode = "eur"), ["declaration.totals.invoice_total.currency_code"]),
        ["transport charges negative"] = (() => Samples.Postal(d => d.Totals.TransportCharges = Money("EUR", -6, -500_000_000)), ["declaration.totals.transport_charges"]),
        ["transport charges currency unknown"] = (() => Samples.Postal(d => d.Totals.TransportCharges.CurrencyCode = "XYZ"), ["declaration.totals.transport_charges.currency_code"]),
        ["insurance with opposite signs"] = (() => Samples.Postal(d => d.Totals.Insurance = Money("EUR", 1, -5)), ["declaration.totals.insurance.nanos"]),
        ["gross weight missing"] = (() => Samples.Postal(d => d.Totals.GrossWeightKg = null), ["declaration.totals.gross_weight_kg"]),
        ["gross weight zero"] = (() => Samples.Postal(d => d.Totals.GrossWeightKg = Dec("0")), ["declaration.totals.gross_weight_kg"]),

        // Transport.
        ["transport missing"] = (() => Samples.Postal(d => d.Transport = null), ["declaration.transport"]),
        ["carrier name of 71 characters"] = (() => Samples.Postal(d => d.Transport.CarrierName = new string('c', 71)), ["declaration.transport.carrier_name"]),
        ["carrier id of 18 characters"] = (() => Samples.Express(d => d.Transport.CarrierId = new string('1', 18)), ["declaration.transport.carrier_id"]),
        ["transport mode unknown number"] = (() => Samples.Postal(d => d.Transport.Mode = (TransportMode)9), ["declaration.transport.mode"]),
        ["conveyance reference of 18 characters"] = (() => Samples.Postal(d => d.Transport.ConveyanceReference = new string('C', 18)), ["declaration.transport.conveyance_reference"]),
        ["departure country missing"] = (() => Samples.Postal(d => d.Transport.DepartureCountryCode = ""), ["declaration.transport.departure_country_code"]),
        ["destination country missing"] = (() => Samples.Postal(d => d.Transport.DestinationCountryCode = ""), ["declaration.transport.destination_country_code"]),
        ["destination country EU"] = (() => Samples.Postal(d => d.Transport.DestinationCountryCode = "EU"), ["declaration.transport.destination_country_code"]),
        ["office of first entry of 7 characters"] = (() => Samples.Postal(d => d.Transport.OfficeOfFirstEntry = "DE00485"), ["declaration.transport.office_of_first_entry"]),
        ["office of first entry of an unknown country"] = (() => Samples.Postal(d => d.Transport.OfficeOfFirstEntry = "XX004851"), ["declaration.transport.office_of_first_entry"]),
        ["arrival time nanos out of range"] = (() => Samples.Postal(d => d.Transport.ExpectedArrivalTime.Nanos = -1), ["declaration.transport.expected_arrival_time"]),
        ["arrival time after year 9999"] = (() => Samples.Postal(d => d.Transport.ExpectedArrivalTime = new Timestamp { Seconds = 253_402_300_800 }), ["declaration.transport.expected_arrival_time"]),
        ["routing country unknown"] = (() => Samples.Express(d => d.Transport.RoutingCountryCodes[1] = "XX"), ["declaration.transport.routing_country_codes[1]"]),
        ["routing country empty"] = (() => Samples.Express(d => d.Transport.RoutingCountryCodes[0] = ""), ["declaration.transport.routing_country_codes[0]"]),
        ["100 routing countries"] = (() => Samples.Express(d => d.Transport.RoutingCountryCodes.Add(Enumerable.Repeat("DE", 98))), ["declaration.transport.routing_country_codes"]),
    };

    public static TheoryData<string> CaseNames => new(Cases.Keys);

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Breaking_one_field_reports_exactly_its_path(string name)
    {
        var (build, paths) = Cases[name];
        ValidationAssert.ReportsExactly(build(), paths);
    }

    [Fact]
    public void Descriptions_echo_at_most_40_characters_of_the_value()
    {
        var huge = "X" + new string('9', 99_999);
        var violations = ValidationAssert.ReportsExactly(Samples.Postal(d => d.TransportDocument.ItemIdentifier = huge),
            "declaration.transport_document.item_identifier");
        Assert.True(violations[0].Description.Length < 300, violations[0].Description);
        Assert.Contains("\"X999999999999999999999999999999999999999...\"", violations[0].Description);
    }

    [Fact]
    public void Descriptions_say_what_was_expected_and_what_was_got()
    {
        var violations = DeclarationValidator.Validate(Samples.Express(d => d.Items[1].HsCode = "3926901"));
        Assert.Empty(violations); // 7 digits are allowed: 6 to 10

        violations = DeclarationValidator.Validate(Samples.Express(d => d.Items[1].HsCode = "39269"));
        Assert.Equal("must be 6 to 10 digits without dots or spaces, e.g. 611710; got \"39269\" (5 characters)",
            ValidationAssert.DescriptionAt(violations, "declaration.items[1].hs_code"));

        violations = DeclarationValidator.Validate(Samples.Postal(d => d.Consignee.Name = new string('n', 71)));
        Assert.Equal("must be at most 70 characters; got 71", ValidationAssert.DescriptionAt(violations, "declaration.consignee.name"));
    }

    [Fact]
    public void A_gift_may_omit_HS_code_and_origin() =>
        ValidationAssert.IsValid(Samples.Postal(d => { d.Items[0].HsCode = ""; d.Items[0].OriginCountryCode = ""; }));

    [Fact]
    public void Optional_parts_may_be_absent() =>
        ValidationAssert.IsValid(Samples.Express(d =>
        {
            d.UniqueConsignmentReference = "";
            d.TransportDocument.MasterWaybill = "";
            d.Marketplace.Website = "";
            d.Marketplace.OrderId = "";
            d.Consignee.Address.Postcode = "";
            d.Consignee.Type = PartyType.Unspecified;
            d.Declarant.OriginatorCode = "";
            d.Items[0].Sku = "";
            d.Items[0].ProductUrl = "";
            d.Totals.TransportCharges = null;
            d.Transport.Mode = TransportMode.Unspecified;
            d.Transport.OfficeOfFirstEntry = "";
            d.Transport.RoutingCountryCodes.Clear();
            d.IossNumber = "";
        }));

    [Fact]
    public void Full_contact_details_and_limits_are_accepted() =>
        ValidationAssert.IsValid(Samples.Express(d =>
        {
            d.Consignee.Contact = new Contact { Email = "jan.devries@example.nl", Phone = "+31 20 123 4567" };
            d.Consignee.Address.StreetLines.Add(["Apartment 3", new string('s', 70)]);
            d.Consignee.Address.Subdivision = "Noord-Holland";
            d.Consignee.TaxId = "NL123456789B01";
            d.DeliverTo = Person("Pieter de Vries", "Prinsengracht 1", "Amsterdam", "1015 DV", "NL");
            d.Items[1].PictureUrl = "https://img.globalbazaar.example/392690.jpg";
            d.Totals.Insurance = Money("EUR", 0, 0);
            d.Transport.RoutingCountryCodes.Add(Enumerable.Repeat("DE", 97));
        }));

    [Fact]
    public void Up_to_999_items_are_accepted_and_more_are_reported_once_at_the_list()
    {
        var many = Samples.Postal(d =>
        {
            var item = d.Items[0];
            d.Items.Clear();
            d.Items.Add(Enumerable.Range(0, 999).Select(_ => item.Clone()));
            d.Totals.InvoiceTotal = Money("EUR", 25 * 999, 0);
            d.Totals.GrossWeightKg = Dec("250");
        });
        ValidationAssert.IsValid(many);

        many.Items.Add(many.Items[0].Clone());
        many.Items.Add(many.Items[0].Clone());
        ValidationAssert.ReportsExactly(many, "declaration.items");
    }
}
