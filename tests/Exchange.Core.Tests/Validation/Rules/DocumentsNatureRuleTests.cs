using Exchange.Contracts.Declaration.V1;

namespace Exchange.Core.Tests.Validation.Rules;

public class DocumentsNatureRuleTests
{
    [Fact]
    public void The_documents_category_requires_the_documents_nature() =>
        ValidationAssert.ReportsExactly(Samples.Postal(d => d.Category = ItemCategory.Documents), "declaration.nature_of_cargo");

    [Fact]
    public void The_documents_nature_requires_the_documents_category() =>
        ValidationAssert.ReportsExactly(Samples.Postal(d => d.NatureOfCargo = NatureOfCargo.Documents), "declaration.nature_of_cargo");

    [Fact]
    public void Documents_in_both_is_valid() =>
        ValidationAssert.IsValid(Samples.Postal(d =>
        {
            d.Category = ItemCategory.Documents;
            d.NatureOfCargo = NatureOfCargo.Documents;
        }));

    [Fact]
    public void An_unset_category_is_reported_only_at_the_category() =>
        ValidationAssert.ReportsExactly(Samples.Postal(d =>
            {
                d.Category = ItemCategory.Unspecified;
                d.NatureOfCargo = NatureOfCargo.Documents;
            }),
            "declaration.category");
}
