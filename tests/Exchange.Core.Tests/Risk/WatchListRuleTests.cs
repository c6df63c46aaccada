using Exchange.Contracts.Declaration.V1;
using Exchange.Contracts.Enforcement.V1;
using Exchange.Testing;
using static Exchange.Core.Tests.Risk.RiskFixtures;

namespace Exchange.Core.Tests.Risk;

public sealed class WatchListRuleTests
{
    private static readonly Core.Risk.RiskEngine Engine = RiskFixtures.Engine("""
        {
          "id": "watch-list", "kind": "WATCH_LIST", "weight": 60, "referralType": "HRCM_SCREENING",
          "entries": [
            { "id": "WL-1", "label": "bad seller", "name": "Société Générale d'Import S.A.R.L.", "country": "FR" },
            { "id": "WL-2", "label": "drop address", "address": { "street": "Prinsengracht 263", "postcode": "1016 GV", "country": "NL" } },
            { "id": "WL-3", "label": "invalid EORI", "identifiers": ["NL 987654321"], "weight": 70 },
            { "id": "WL-4", "label": "closed seller account", "marketplaceSellerIds": ["seller-9999"] },
            { "id": "WL-5", "label": "any country", "name": "Li Wei" }
          ]
        }
        """);

    private static Party Company(string name, string country) => SampleDeclarations.Company(name, "1 Rue de la Paix", "Paris", "75002", country);

    private static Party AtDropAddress(string name, string street, string postcode) =>
        SampleDeclarations.Person(name, street, "Amsterdam", postcode, "NL");

    [Theory]
    [InlineData("Société Générale d'Import S.A.R.L.")]
    [InlineData("SOCIETE GENERALE D'IMPORT SARL")]
    [InlineData("societe  generale-d import s.a.r.l")]
    [InlineData("Socie\u0301te\u0301 Ge\u0301ne\u0301rale d\u2019Import SARL")] // decomposed accents, typographic apostrophe
    public void A_name_matches_whatever_its_case_accents_punctuation_and_spacing(string name)
    {
        var declaration = Sale(d => d.Seller = Company(name, "FR"));

        var hit = SingleHit(Engine.Assess(declaration, Quiet));

        Assert.Equal(RuleKind.WatchList, hit.Kind);
        Assert.Equal("watch-list", hit.RuleId);
        Assert.Equal("watch-list entry WL-1 (bad seller) matches seller on name and country", hit.Reason);
        Assert.Equal(["seller.name"], hit.FieldPaths);
        Assert.Equal(60, hit.Weight);
        Assert.Equal(ReferralType.HrcmScreening, hit.ReferralType);
    }

    [Fact]
    public void A_name_restricted_to_a_country_does_not_match_in_another_or_when_words_differ()
    {
        Assert.Empty(Engine.Assess(Sale(d => d.Seller = Company("Societe Generale d'Import SARL", "BE")), Quiet).Hits);
        Assert.Empty(Engine.Assess(Sale(d => d.Seller = Company("Societe Generale d'Import", "FR")), Quiet).Hits);
    }

    [Fact]
    public void A_name_without_a_country_matches_any_party_in_any_country()
    {
        // The postal sample's consignor is Li Wei, Shanghai.
        var hit = SingleHit(Engine.Assess(SampleDeclarations.PostalGift(), Quiet));
        Assert.Equal("watch-list entry WL-5 (any country) matches consignor on name", hit.Reason);
        Assert.Equal(["consignor.name"], hit.FieldPaths);
    }

    [Fact]
    public void An_address_matches_on_street_postcode_and_country_folded_and_names_every_party_there()
    {
        var declaration = Sale(d =>
        {
            d.Consignee = AtDropAddress("Jan de Vries", "Prinsengracht 263", "1016 GV");
            d.DeliverTo = AtDropAddress("P. Jansen", "PRINSENGRACHT-263", "1016gv");
        });

        var hit = SingleHit(Engine.Assess(declaration, Quiet));

        Assert.Equal("watch-list entry WL-2 (drop address) matches consignee on address; deliver_to on address", hit.Reason);
        Assert.Equal(["consignee.address", "deliver_to.address"], hit.FieldPaths);
    }

    [Fact]
    public void Any_street_line_can_match_the_address()
    {
        var declaration = Sale(d =>
        {
            d.Consignee = AtDropAddress("Jan de Vries", "c/o Parcel Point", "1016 GV");
            d.Consignee.Address.StreetLines.Add("Prinsengracht 263");
        });
        Assert.Equal(["consignee.address"], SingleHit(Engine.Assess(declaration, Quiet)).FieldPaths);
    }

    [Fact]
    public void The_same_street_in_another_postcode_or_country_does_not_match()
    {
        Assert.Empty(Engine.Assess(Sale(d => d.Consignee = AtDropAddress("Jan de Vries", "Prinsengracht 263", "1016 GW")), Quiet).Hits);
        Assert.Empty(Engine.Assess(Sale(d =>
        {
            d.Consignee = AtDropAddress("Jan de Vries", "Prinsengracht 263", "1016 GV");
            d.Consignee.Address.CountryCode = "BE";
        }), Quiet).Hits);
    }

    [Fact]
    public void Identifiers_match_as_eori_or_tax_id_and_an_entry_weight_overrides_the_rule()
    {
        var declaration = Sale(d =>
        {
            d.Seller.TaxId = "nl-987.654.321";
            d.Declarant.Party.Eori = "NL987654321";
        });

        var hit = SingleHit(Engine.Assess(declaration, Quiet));

        Assert.Equal("watch-list entry WL-3 (invalid EORI) matches seller on tax id; declarant.party on EORI", hit.Reason);
        Assert.Equal(["seller.tax_id", "declarant.party.eori"], hit.FieldPaths);
        Assert.Equal(70, hit.Weight);
    }

    [Fact]
    public void The_marketplace_seller_id_matches_folded()
    {
        var hit = SingleHit(Engine.Assess(Sale(d => d.Marketplace.SellerId = "SELLER 9999"), Quiet));
        Assert.Equal("watch-list entry WL-4 (closed seller account) matches marketplace on marketplace seller id", hit.Reason);
        Assert.Equal(["marketplace.seller_id"], hit.FieldPaths);
    }

    [Fact]
    public void Hits_follow_the_order_of_the_entries_and_add_up()
    {
        var declaration = Sale(d =>
        {
            d.Marketplace.SellerId = "SELLER-9999";
            d.Declarant.Party.Eori = "NL987654321";
            d.Consignee = AtDropAddress("Jan de Vries", "Prinsengracht 263", "1016 GV");
            d.Seller = Company("Société Générale d'Import SARL", "FR");
        });

        var assessment = Engine.Assess(declaration, Quiet);

        Assert.Equal(["WL-1", "WL-2", "WL-3", "WL-4"], assessment.Hits.Select(h => h.Reason.Split(' ')[2]));
        Assert.Equal(60 + 60 + 70 + 60, assessment.Score);
    }

    [Fact]
    public void Near_misses_of_every_entry_are_not_hits()
    {
        var declaration = Sale(d =>
        {
            d.Marketplace.SellerId = "SELLER-9998";
            d.Declarant.Party.Eori = "NL987654320";
            d.Consignee = AtDropAddress("Jan de Vries", "Prinsengracht 265", "1016 GV");
            d.Seller = Company("Société Générale d'Export SARL", "FR");
            d.Consignor = SampleDeclarations.Person("Li Wen", "88 Huaihai Road", "Shanghai", "200031", "CN");
        });
        Assert.Empty(Engine.Assess(declaration, Quiet).Hits);
    }
}
