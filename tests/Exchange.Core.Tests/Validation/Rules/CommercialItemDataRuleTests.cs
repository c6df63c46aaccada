using Exchange.Contracts.Declaration.V1;

namespace Exchange.Core.Tests.Validation.Rules;

public class CommercialItemDataRuleTests
{
    [Fact]
    public void A_sale_of_goods_needs_the_HS_code_and_origin_of_every_item()
    {
        var violations = ValidationAssert.ReportsExactly(Samples.Express(d =>
            {
                d.Items[0].OriginCountryCode = "";
                d.Items[1].HsCode = "";
                d.Items[1].OriginCountryCode = "";
            }),
            "declaration.items[0].origin_country_code",
            "declaration.items[1].hs_code",
            "declaration.items[1].origin_country_code");
        Assert.Contains("ITEM_CATEGORY_SALE_OF_GOODS", violations[1].Description);
    }

    [Fact]
    public void A_commercial_sample_needs_them_too() =>
        ValidationAssert.ReportsExactly(Samples.Postal(d =>
            {
                d.Category = ItemCategory.CommercialSample;
                d.Items[0].HsCode = "";
                d.Items[0].OriginCountryCode = "";
            }),
            "declaration.items[0].hs_code",
            "declaration.items[0].origin_country_code");

    [Fact]
    public void A_commercial_sample_with_them_is_valid() =>
        ValidationAssert.IsValid(Samples.Postal(d => d.Category = ItemCategory.CommercialSample));

    [Theory]
    [InlineData(ItemCategory.Gift)]
    [InlineData(ItemCategory.ReturnedGoods)]
    public void Non_commercial_categories_do_not_need_them(ItemCategory category) =>
        ValidationAssert.IsValid(Samples.Postal(d =>
        {
            d.Category = category;
            d.Items[0].HsCode = "";
            d.Items[0].OriginCountryCode = "";
        }));

    [Fact]
    public void A_malformed_HS_code_is_reported_once_by_its_format_rule() =>
        ValidationAssert.ReportsExactly(Samples.Express(d => d.Items[0].HsCode = "85-18"), "declaration.items[0].hs_code");
}
