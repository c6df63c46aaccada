using Exchange.Contracts.Declaration.V1;

namespace Exchange.Core.Tests.Validation.Rules;

public class OtherRequiresRemarksRuleTests
{
    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public void The_category_other_requires_remarks(string remarks) =>
        ValidationAssert.ReportsExactly(Samples.Postal(d => { d.Category = ItemCategory.Other; d.Remarks = remarks; }), "declaration.remarks");

    [Fact]
    public void The_category_other_with_an_explanation_is_valid() =>
        ValidationAssert.IsValid(Samples.Postal(d => { d.Category = ItemCategory.Other; d.Remarks = "Replacement part sent under warranty"; }));
}
