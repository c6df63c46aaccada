using Exchange.Contracts.Declaration.V1;

namespace Exchange.Core.Tests.Validation.Rules;

public class GiftWithoutMarketplaceRuleTests
{
    [Fact]
    public void A_gift_that_names_a_marketplace_is_reported_at_the_category()
    {
        var violations = ValidationAssert.ReportsExactly(Samples.Postal(d => d.Marketplace = new Marketplace { Name = "Global Bazaar" }),
            "declaration.category");
        Assert.Contains("ITEM_CATEGORY_SALE_OF_GOODS", violations[0].Description);
    }

    [Fact]
    public void A_gift_without_a_marketplace_is_valid() => ValidationAssert.IsValid(Samples.Postal(_ => { }));

    [Fact]
    public void A_returned_good_bought_on_a_marketplace_may_name_it() =>
        ValidationAssert.IsValid(Samples.Express(d => d.Category = ItemCategory.ReturnedGoods));
}
