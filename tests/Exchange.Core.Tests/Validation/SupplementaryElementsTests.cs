using Exchange.Contracts.Declaration.V1;
using Google.Protobuf.WellKnownTypes;
using static Exchange.Testing.SampleDeclarations;

namespace Exchange.Core.Tests.Validation;

/// <summary>
/// The data elements added in v1 beta for the standards' data sets (issue 16): supporting
/// documents, additional information and procedures, representative, CN23 details, US entry, party
/// identifiers, the goods item's gross weight, packages, UN number and tariff nomenclature, the
/// house document type and the office of entry with its scheme. A declaration using all of them
/// correctly is valid; breaking one reports exactly its path.
/// </summary>
public class SupplementaryElementsTests
{
    /// <summary>The postal sample with every supplementary element filled in correctly.</summary>
    private static Declaration PostalWithEverything(Action<Declaration>? edit = null)
    {
        var d = PostalGift();
        d.SupportingDocuments.Add(new DocumentReference { TypeCode = "N935", Identifier = "INV-2026-0042" });
        d.AdditionalInformation.Add(new AdditionalStatement { Code = "00500", Text = "Importer and declarant are the same person" });
        d.AdditionalProcedureCodes.Add(["C07", "F48"]);
        d.Representative = new Representative
        {
            Party = Company("Dutch Customs Brokers B.V.", "Havenstraat 1", "Rotterdam", "3011 AA", "NL", eori: "NL987654321"),
            Status = RepresentativeStatus.Direct,
        };
        d.PostalDetails = new PostalDetails
        {
            SenderCustomsReference = "SENDER-REF-1",
            LicenceNumbers = { "LIC-1" },
            CertificateNumbers = { "CERT-1", "CERT-2" },
            InvoiceNumber = "INV-2026-0042",
            OfficeOfOrigin = "Shanghai International",
            PostingTime = Timestamp.FromDateTimeOffset(new DateTimeOffset(2026, 11, 30, 8, 0, 0, TimeSpan.Zero)),
        };
        d.Consignee.Identifiers.Add(new PartyIdentifier { Scheme = PartyIdentifierScheme.NationalTaxId, Value = "123456782", IssuingCountryCode = "NL" });
        d.Representative.Party.Identifiers.Add(new PartyIdentifier { Scheme = PartyIdentifierScheme.Eori, Value = "NL987654321" });
        var item = d.Items[0];
        item.GrossWeightKg = Dec("0.5");
        item.Packaging = new Packaging { Count = 1, TypeCode = "PK" };
        item.TariffNomenclature = TariffNomenclature.Hs;
        item.HsCode = item.HsCode.Length > 0 ? item.HsCode[..6] : "";
        item.HsEdition = "HS 2022";
        d.TransportDocument.HouseDocumentType = "N741";
        d.CustomsProcedure = new CustomsProcedure { DeclarationTypeCode = "IM", AdditionalDeclarationTypeCode = "A", ProcedureCode = "4000" };
        d.PreviousDocuments.Add(new PreviousDocument { TypeCode = "N337", Identifier = "26NL0000000000001" });
        d.SpecificCircumstanceIndicator = "F45";
        d.NotifyParty = Company("Notify B.V.", "Kade 2", "Amsterdam", "1011 AA", "NL");
        d.Buyer = Person("Jan Jansen", "Dorpsstraat 3", "Utrecht", "3511 AA", "NL");
        d.Valuation = new Valuation { IntrinsicValue = new Google.Type.Money { CurrencyCode = d.Totals.InvoiceTotal.CurrencyCode, Units = 20 }, PaymentMethodCode = "A" };
        d.DocumentIssueTime = Timestamp.FromDateTimeOffset(new DateTimeOffset(2026, 11, 30, 9, 0, 0, TimeSpan.Zero));
        d.Transport.PlaceOfAcceptance = "CNSHA";
        d.Transport.PlaceOfDelivery = "Berlin";
        d.Transport.ContainerIndicator = ContainerIndicator.NotContainerised;
        d.Transport.Equipment.Add(new TransportEquipment { Identifier = "AKE12345CA", SealIdentifiers = { "S-1" } });
        d.PostalDetails.MailClass = MailClass.ParcelPost;
        d.DataSetProfiles.Add(["UPU-CN23", "EU-H7"]);
        edit?.Invoke(d);
        return d;
    }

    private static Declaration UnitedStatesSale(Action<Declaration>? edit = null)
    {
        var d = ExpressMarketplaceSale();
        d.Consignee = Person("Jane Doe", "1 Main Street", "Springfield", "62701", "US");
        d.Transport.DestinationCountryCode = "US";
        d.IossNumber = ""; // IOSS is for EU imports only
        d.Transport.OfficeOfFirstEntry = "";
        d.Transport.EntryOffice = new OfficeReference { Scheme = OfficeScheme.UsScheduleD, Code = "4701" };
        d.UsEntry = new UnitedStatesEntry { EntryNumber = "ABC-1234567-8", PortOfEntry = "4701" };
        foreach (var item in d.Items)
        {
            item.TariffNomenclature = TariffNomenclature.Htsus;
            item.HsCode = item.HsCode.PadRight(10, '0')[..10];
        }
        edit?.Invoke(d);
        return d;
    }

    [Fact]
    public void A_declaration_using_every_supplementary_element_correctly_is_valid()
    {
        ValidationAssert.IsValid(PostalWithEverything());
        ValidationAssert.IsValid(UnitedStatesSale());
    }

    [Fact]
    public void Htsus_chapters_98_and_99_are_accepted_only_under_the_htsus()
    {
        ValidationAssert.IsValid(UnitedStatesSale(d => d.Items[0].HsCode = "9801001012"));
        ValidationAssert.IsValid(UnitedStatesSale(d => d.Items[0].HsCode = "9903880300"));
        ValidationAssert.ReportsExactly(UnitedStatesSale(d => { d.Items[0].TariffNomenclature = TariffNomenclature.Taric; d.Items[0].HsCode = "9801001012"; }),
            "declaration.items[0].hs_code");
        ValidationAssert.ReportsExactly(Samples.Express(d => d.Items[0].HsCode = "9801001012"), "declaration.items[0].hs_code");
    }

    public static TheoryData<string> Cases => [.. BrokenCases.Keys];

    private static readonly Dictionary<string, (Func<Declaration> Build, string[] Paths)> BrokenCases = new()
    {
        ["document type code of 5 characters"] = (() => PostalWithEverything(d => d.SupportingDocuments[0].TypeCode = "N9350"), ["declaration.supporting_documents[0].type_code"]),
        ["document without identifier"] = (() => PostalWithEverything(d => d.SupportingDocuments[0].Identifier = ""), ["declaration.supporting_documents[0].identifier"]),
        ["document over http"] = (() => PostalWithEverything(d => d.SupportingDocuments[0].Uri = "http://docs.example/inv.pdf"), ["declaration.supporting_documents[0].uri"]),
        ["the same document twice"] = (() => PostalWithEverything(d => d.SupportingDocuments.Add(d.SupportingDocuments[0].Clone())), ["declaration.supporting_documents[1]"]),
        ["100 documents"] = (() => PostalWithEverything(d => d.SupportingDocuments.Add(Enumerable.Range(1, 99).Select(i => new DocumentReference { TypeCode = "N935", Identifier = $"I{i}" }))),
            ["declaration.supporting_documents"]),
        ["statement code in lower case"] = (() => PostalWithEverything(d => d.AdditionalInformation[0].Code = "ab1"), ["declaration.additional_information[0].code"]),
        ["statement text of 513 characters"] = (() => PostalWithEverything(d => d.AdditionalInformation[0].Text = new string('t', 513)), ["declaration.additional_information[0].text"]),
        ["procedure code of 4 characters"] = (() => PostalWithEverything(d => d.AdditionalProcedureCodes[0] = "C07A"), ["declaration.additional_procedure_codes[0]"]),
        ["procedure code twice"] = (() => PostalWithEverything(d => d.AdditionalProcedureCodes.Add("C07")), ["declaration.additional_procedure_codes[2]"]),
        ["representative without status"] = (() => PostalWithEverything(d => d.Representative.Status = RepresentativeStatus.Unspecified), ["declaration.representative.status"]),
        ["representative without party"] = (() => PostalWithEverything(d => d.Representative.Party = null), ["declaration.representative.party"]),
        ["representative's EORI identifier differs from its eori"] = (() => PostalWithEverything(d => d.Representative.Party.Identifiers[0].Value = "NL111111111"),
            ["declaration.representative.party.identifiers[0].value"]),
        ["identifier without scheme"] = (() => PostalWithEverything(d => d.Consignee.Identifiers[0].Scheme = PartyIdentifierScheme.Unspecified), ["declaration.consignee.identifiers[0].scheme"]),
        ["identifier with a space"] = (() => PostalWithEverything(d => d.Consignee.Identifiers[0].Value = "123 456"), ["declaration.consignee.identifiers[0].value"]),
        ["identifier of an unknown country"] = (() => PostalWithEverything(d => d.Consignee.Identifiers[0].IssuingCountryCode = "QQ"), ["declaration.consignee.identifiers[0].issuing_country_code"]),
        ["the same identifier twice"] = (() => PostalWithEverything(d => d.Consignee.Identifiers.Add(d.Consignee.Identifiers[0].Clone())), ["declaration.consignee.identifiers[1]"]),
        ["postal details on the express channel"] = (() => Samples.Express(d => d.PostalDetails = new PostalDetails { InvoiceNumber = "INV-1" }), ["declaration.postal_details"]),
        ["eleven licence numbers"] = (() => PostalWithEverything(d => d.PostalDetails.LicenceNumbers.Add(Enumerable.Range(1, 10).Select(i => $"L{i}"))), ["declaration.postal_details.licence_numbers"]),
        ["empty certificate number"] = (() => PostalWithEverything(d => d.PostalDetails.CertificateNumbers[1] = ""), ["declaration.postal_details.certificate_numbers[1]"]),
        ["invoice number of 36 characters"] = (() => PostalWithEverything(d => d.PostalDetails.InvoiceNumber = new string('9', 36)), ["declaration.postal_details.invoice_number"]),
        ["posted tomorrow"] = (() => PostalWithEverything(d => d.PostalDetails.PostingTime = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddDays(1))),
            ["declaration.postal_details.posting_time"]),
        ["posting time out of range"] = (() => PostalWithEverything(d => d.PostalDetails.PostingTime = new Timestamp { Seconds = long.MaxValue }), ["declaration.postal_details.posting_time"]),
        ["item gross weight below its net weight"] = (() => PostalWithEverything(d => d.Items[0].GrossWeightKg = Dec("0.0001")), ["declaration.items[0].gross_weight_kg"]),
        ["item gross weight negative"] = (() => PostalWithEverything(d => d.Items[0].GrossWeightKg = Dec("-1")), ["declaration.items[0].gross_weight_kg"]),
        ["no packages"] = (() => PostalWithEverything(d => d.Items[0].Packaging.Count = 0), ["declaration.items[0].packaging.count"]),
        ["package type of 3 characters"] = (() => PostalWithEverything(d => d.Items[0].Packaging.TypeCode = "BOX"), ["declaration.items[0].packaging.type_code"]),
        ["UN number with its prefix"] = (() => PostalWithEverything(d => d.Items[0].UnNumber = "UN1203"), ["declaration.items[0].un_number"]),
        ["HS edition unknown"] = (() => PostalWithEverything(d => d.Items[0].HsEdition = "HS 2023"), ["declaration.items[0].hs_edition"]),
        ["nomenclature unknown number"] = (() => PostalWithEverything(d => d.Items[0].TariffNomenclature = (TariffNomenclature)42), ["declaration.items[0].tariff_nomenclature"]),
        ["CN code of 6 digits"] = (() => PostalWithEverything(d => { d.Items[0].TariffNomenclature = TariffNomenclature.Cn; d.Items[0].HsCode = "611710"; }), ["declaration.items[0].hs_code"]),
        ["house document type in lower case"] = (() => PostalWithEverything(d => d.TransportDocument.HouseDocumentType = "n741"), ["declaration.transport_document.house_document_type"]),
        ["entry office and office of first entry both"] = (() => UnitedStatesSale(d => d.Transport.OfficeOfFirstEntry = "NL000396"), ["declaration.transport.entry_office"]),
        ["Schedule D port of 3 digits"] = (() => UnitedStatesSale(d => d.Transport.EntryOffice.Code = "470"), ["declaration.transport.entry_office.code"]),
        ["UN/LOCODE with a 1"] = (() => UnitedStatesSale(d => d.Transport.EntryOffice = new OfficeReference { Scheme = OfficeScheme.UnLocode, Code = "USNY1" }), ["declaration.transport.entry_office.code"]),
        ["entry office without scheme"] = (() => UnitedStatesSale(d => d.Transport.EntryOffice.Scheme = OfficeScheme.Unspecified), ["declaration.transport.entry_office.scheme"]),
        ["US entry to the Netherlands"] = (() => Samples.Express(d => d.UsEntry = new UnitedStatesEntry { EntryNumber = "ABC12345678" }), ["declaration.us_entry"]),
        ["US entry number too short"] = (() => UnitedStatesSale(d => d.UsEntry.EntryNumber = "ABC-123456-8"), ["declaration.us_entry.entry_number"]),
        ["US entry number missing"] = (() => UnitedStatesSale(d => d.UsEntry.EntryNumber = ""), ["declaration.us_entry.entry_number"]),
        ["declaration type of 3 letters"] = (() => PostalWithEverything(d => d.CustomsProcedure.DeclarationTypeCode = "IMP"), ["declaration.customs_procedure.declaration_type_code"]),
        ["additional declaration type of 2 letters"] = (() => PostalWithEverything(d => d.CustomsProcedure.AdditionalDeclarationTypeCode = "AB"),
            ["declaration.customs_procedure.additional_declaration_type_code"]),
        ["procedure code of 5 digits"] = (() => PostalWithEverything(d => d.CustomsProcedure.ProcedureCode = "40000"), ["declaration.customs_procedure.procedure_code"]),
        ["document issued tomorrow"] = (() => PostalWithEverything(d => d.DocumentIssueTime = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddDays(1))), ["declaration.document_issue_time"]),
        ["place of acceptance of 36 characters"] = (() => PostalWithEverything(d => d.Transport.PlaceOfAcceptance = new string('p', 36)), ["declaration.transport.place_of_acceptance"]),
        ["container indicator unknown number"] = (() => PostalWithEverything(d => d.Transport.ContainerIndicator = (ContainerIndicator)9), ["declaration.transport.container_indicator"]),
        ["equipment without identifier"] = (() => PostalWithEverything(d => d.Transport.Equipment[0].Identifier = ""), ["declaration.transport.equipment[0].identifier"]),
        ["the same equipment twice"] = (() => PostalWithEverything(d => d.Transport.Equipment.Add(d.Transport.Equipment[0].Clone())), ["declaration.transport.equipment[1].identifier"]),
        ["empty seal"] = (() => PostalWithEverything(d => d.Transport.Equipment[0].SealIdentifiers.Add("")), ["declaration.transport.equipment[0].seal_identifiers[1]"]),
        ["previous document without identifier"] = (() => PostalWithEverything(d => d.PreviousDocuments[0].Identifier = ""), ["declaration.previous_documents[0].identifier"]),
        ["the same previous document twice"] = (() => PostalWithEverything(d => d.PreviousDocuments.Add(d.PreviousDocuments[0].Clone())), ["declaration.previous_documents[1]"]),
        ["specific circumstance indicator of 2 characters"] = (() => PostalWithEverything(d => d.SpecificCircumstanceIndicator = "F4"), ["declaration.specific_circumstance_indicator"]),
        ["notify party without a name"] = (() => PostalWithEverything(d => d.NotifyParty.Name = ""), ["declaration.notify_party.name"]),
        ["buyer in an unknown country"] = (() => PostalWithEverything(d => d.Buyer.Address.CountryCode = "QQ"), ["declaration.buyer.address.country_code"]),
        ["negative intrinsic value"] = (() => PostalWithEverything(d => d.Valuation.IntrinsicValue.Units = -1), ["declaration.valuation.intrinsic_value"]),
        ["intrinsic value in another currency"] = (() => PostalWithEverything(d => d.Valuation.IntrinsicValue.CurrencyCode = d.Valuation.IntrinsicValue.CurrencyCode == "USD" ? "EUR" : "USD"),
            ["declaration.valuation.intrinsic_value.currency_code"]),
        ["method of payment of 2 characters"] = (() => PostalWithEverything(d => d.Valuation.PaymentMethodCode = "AB"), ["declaration.valuation.payment_method_code"]),
        ["mail class unknown number"] = (() => PostalWithEverything(d => d.PostalDetails.MailClass = (MailClass)42), ["declaration.postal_details.mail_class"]),
        ["profile id in lower case"] = (() => PostalWithEverything(d => d.DataSetProfiles[1] = "eu-h7"), ["declaration.data_set_profiles[1]"]),
        ["the same profile twice"] = (() => PostalWithEverything(d => d.DataSetProfiles.Add("UPU-CN23")), ["declaration.data_set_profiles[2]"]),
        ["US port of entry not Schedule D"] = (() => UnitedStatesSale(d => d.UsEntry.PortOfEntry = "USNYC"), ["declaration.us_entry.port_of_entry"]),
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Breaking_one_supplementary_element_reports_exactly_its_path(string name)
    {
        var (build, paths) = BrokenCases[name];
        ValidationAssert.ReportsExactly(build(), paths);
    }
}
