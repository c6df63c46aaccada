using Exchange.Contracts.Declaration.V1;
using Exchange.Contracts.Enforcement.V1;
using Exchange.Testing;
using static Exchange.Core.Tests.Risk.RiskFixtures;

namespace Exchange.Core.Tests.Risk;

public sealed class DataQualityRuleTests
{
    private static readonly Core.Risk.RiskEngine Vague = Engine("""
        {
          "id": "vague-description", "kind": "DATA_QUALITY", "weight": 20, "referralType": "REQUEST_FOR_INFORMATION",
          "vagueWords": ["gift", "gifts", "parts", "spare parts", "accessories", "clothes", "Stuff", "sample"],
          "fillerWords": ["and", "of", "set", "x"]
        }
        """);

    private static readonly Core.Risk.RiskEngine Missing = Engine("""
        {
          "id": "missing-data", "kind": "DATA_QUALITY", "weight": 5,
          "missingElements": ["items[].hs_code", "items[].origin_country_code", "items[].product_url",
                              "seller.eori_or_tax_id", "marketplace.seller_id", "marketplace.order_id", "consignee.contact"]
        }
        """);

    [Theory]
    [InlineData("Gift")]
    [InlineData("  GIFTS!!")]
    [InlineData("Gifts & spare parts")]
    [InlineData("Spare-parts")]
    [InlineData("set of clothes, accessories and stuff")]
    [InlineData("2 x gifts")]
    [InlineData("Sämple")]
    public void A_description_of_only_vague_and_filler_words_is_a_hit(string description)
    {
        var hit = SingleHit(Vague.Assess(GiftWithItem(i => i.Description = description), Quiet));

        Assert.Equal(RuleKind.DataQuality, hit.Kind);
        Assert.Equal(["items[0].description"], hit.FieldPaths);
        Assert.StartsWith("vague goods description (no word says what the goods are): items[0].description \"", hit.Reason);
        Assert.Equal(ReferralType.RequestForInformation, hit.ReferralType);
    }

    [Theory]
    [InlineData("Hand-knitted wool scarf")]
    [InlineData("Bamboo chopsticks gift set")] // a real sample: "bamboo chopsticks" says what it is
    [InlineData("Car parts: brake pads")]
    [InlineData("gifted")] // a word is vague only whole
    [InlineData("and of set")] // filler alone is not vague
    [InlineData("2 x 3")]
    public void A_description_with_a_word_that_says_what_the_goods_are_is_not_a_hit(string description) =>
        Assert.Empty(Vague.Assess(GiftWithItem(i => i.Description = description), Quiet).Hits);

    [Fact]
    public void Every_vague_item_is_named_in_one_hit()
    {
        var declaration = Sale(d =>
        {
            d.Items[0].Description = "accessories";
            d.Items[1].Description = "parts and accessories";
        });

        var hit = SingleHit(Vague.Assess(declaration, Quiet));

        Assert.Equal(["items[0].description", "items[1].description"], hit.FieldPaths);
        Assert.Equal("vague goods description (no word says what the goods are): items[0].description \"accessories\", "
            + "items[1].description \"parts and accessories\"", hit.Reason);
        Assert.Equal(20, hit.Weight);
    }

    [Fact]
    public void The_gift_sample_misses_none_of_the_elements_that_apply_to_it_but_the_consignee_contact()
    {
        var hit = SingleHit(Missing.Assess(SampleDeclarations.PostalGift(), Quiet));
        Assert.Equal("missing: consignee.contact", hit.Reason);
        Assert.Equal(["consignee.contact"], hit.FieldPaths);
    }

    [Fact]
    public void Missing_elements_are_listed_with_their_paths()
    {
        var declaration = Sale(d =>
        {
            d.Items[0].HsCode = "";
            d.Items[0].OriginCountryCode = "";
            d.Marketplace.SellerId = "";
            d.Marketplace.OrderId = "";
            d.Consignee.Contact = new Contact { Email = "jan@example.nl" };
        });

        var hit = SingleHit(Missing.Assess(declaration, Quiet));

        Assert.Equal(["items[0].hs_code", "items[0].origin_country_code", "items[1].product_url",
            "seller.eori", "seller.tax_id", "marketplace.seller_id", "marketplace.order_id"], hit.FieldPaths);
        Assert.Equal("missing: items[0].hs_code, items[0].origin_country_code, items[1].product_url, "
            + "seller.eori or seller.tax_id, marketplace.seller_id, marketplace.order_id", hit.Reason);
        Assert.Equal(5, hit.Weight);
        Assert.Equal(ReferralType.Unspecified, hit.ReferralType);
    }

    [Fact]
    public void Conditional_elements_are_only_missing_where_they_apply()
    {
        var complete = Sale(d =>
        {
            d.Seller.TaxId = "CN91440300MA5F0000X1";
            d.Items[1].ProductUrl = "https://www.globalbazaar.example/item/pc-61";
            d.Consignee.Contact = new Contact { Phone = "+31 20 123 4567" };
        });
        Assert.Empty(Missing.Assess(complete, Quiet).Hits);

        // Without a marketplace, no listing URL is expected; a gift needs no seller identifier.
        var direct = complete.Clone();
        direct.Marketplace = null;
        direct.Items[1].ProductUrl = "";
        Assert.Empty(Missing.Assess(direct, Quiet).Hits);
        var gift = complete.Clone();
        gift.Category = ItemCategory.Gift;
        gift.Seller.TaxId = "";
        Assert.Empty(Missing.Assess(gift, Quiet).Hits);
    }

    [Fact]
    public void Vague_descriptions_and_missing_elements_of_one_rule_make_one_hit()
    {
        var engine = Engine("""
            { "id": "data-quality", "kind": "DATA_QUALITY", "weight": 10, "vagueWords": ["gift"], "missingElements": ["consignee.contact"] }
            """);

        var hit = SingleHit(engine.Assess(GiftWithItem(i => i.Description = "gift"), Quiet));

        Assert.Equal("vague goods description (no word says what the goods are): items[0].description \"gift\"; missing: consignee.contact", hit.Reason);
        Assert.Equal(["items[0].description", "consignee.contact"], hit.FieldPaths);
    }
}
