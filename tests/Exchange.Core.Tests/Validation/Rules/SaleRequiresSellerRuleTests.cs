using Exchange.Contracts.Declaration.V1;
using Exchange.Testing;

namespace Exchange.Core.Tests.Validation.Rules;

public class SaleRequiresSellerRuleTests
{
    [Fact]
    public void A_sale_of_goods_without_a_seller_is_refused() =>
        ValidationAssert.ReportsExactly(Samples.Express(d => d.Seller = null), "declaration.seller");

    [Fact]
    public void Other_categories_may_omit_the_seller() =>
        ValidationAssert.IsValid(Samples.Express(d => { d.Category = ItemCategory.CommercialSample; d.Seller = null; }));

    [Fact]
    public void A_gift_may_name_a_seller() =>
        ValidationAssert.IsValid(Samples.Postal(d => d.Seller = SampleDeclarations.Company("Shop", "1 Road", "Shanghai", "200031", "CN")));
}
