using Exchange.Contracts.Declaration.V1;
using Exchange.Contracts.Partner.V1;
using Exchange.Core.Partners;
using Exchange.Testing;

namespace Exchange.Core.Tests.Partners;

public sealed class PartnerAgreementTests
{
    private static PartnerAgreement Agreement(string code = "BE", string endpoint = "https://be.example:5001", string[]? withheld = null) =>
        new(code, endpoint, new HashSet<MessageKind> { MessageKind.Declarations }, new HashSet<MessageKind> { MessageKind.Decisions }, withheld ?? []);

    [Fact]
    public void A_sound_agreement_has_no_problems() => Assert.Empty(Agreement(withheld: ["consignee.contact", "items.description"]).Problems("NL"));

    [Theory]
    [InlineData("be", "https://be.example", "", "not an ISO 3166-1 alpha-2")]
    [InlineData("NL", "https://nl.example", "", "own administration")]
    [InlineData("BE", "not a url", "", "not an absolute URL")]
    [InlineData("BE", "https://be.example", "consignee.nickname", "'nickname' is not a field of Party")]
    [InlineData("BE", "https://be.example", "consignee.name.first", "'name' is not a message")]
    [InlineData("BE", "https://be.example", "transport.destination_country_code", "essential")]
    [InlineData("BE", "https://be.example", "name", "essential")]
    public void Each_problem_is_named(string code, string endpoint, string withheld, string expected)
    {
        var problems = Agreement(code, endpoint, withheld.Length == 0 ? [] : [withheld]).Problems("NL").ToList();

        Assert.Contains(problems, p => p.Contains(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void Look_ups_are_answered_not_sent()
    {
        var agreement = Agreement() with { Send = new HashSet<MessageKind> { MessageKind.KnownShipperLookups } };

        Assert.Contains(agreement.Problems("NL"), p => p.Contains("KnownShipperLookups", StringComparison.Ordinal));
    }

    [Fact]
    public void Withholding_clears_the_field_everywhere_it_occurs_and_nothing_else()
    {
        var declaration = SampleDeclarations.ExpressMarketplaceSale();
        Assert.True(declaration.Items.Count > 1, "the sample needs several items");
        var consigneeName = declaration.Consignee.Name;

        DeclarationPaths.Clear(declaration, "items.description");
        DeclarationPaths.Clear(declaration, "consignee.address");
        DeclarationPaths.Clear(declaration, "deliver_to.contact"); // unset on the sample: nothing to do, no failure

        Assert.All(declaration.Items, item => Assert.Equal("", item.Description));
        Assert.All(declaration.Items, item => Assert.NotEqual("", item.HsCode));
        Assert.Null(declaration.Consignee.Address);
        Assert.Equal(consigneeName, declaration.Consignee.Name);
    }

    [Fact]
    public void Agreements_are_found_by_code_and_listed_in_order()
    {
        var agreements = new PartnerAgreements("NL", [Agreement("FR"), Agreement("BE")]);

        Assert.Equal(["BE", "FR"], agreements.All.Select(a => a.Code));
        Assert.NotNull(agreements.SendingTo("BE", MessageKind.Declarations));
        Assert.Null(agreements.SendingTo("BE", MessageKind.Decisions));
        Assert.Null(agreements.SendingTo("DE", MessageKind.Declarations));
        Assert.Equal("partners/BE", agreements.Find("BE")!.Name);
    }
}
