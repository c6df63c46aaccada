using Exchange.Contracts.Declaration.V1;
using Exchange.Core.Risk;
using Exchange.Testing;

namespace Exchange.Core.Tests.Risk;

public sealed class ConsigneeKeysTests
{
    [Fact]
    public void The_key_is_name_street_postcode_and_country_folded_and_separated()
    {
        Assert.Equal("jandevries|keizersgracht100|1015aa|NL", ConsigneeKeys.Of(SampleDeclarations.ExpressMarketplaceSale().Consignee));
        Assert.Equal("annaschmidt|hauptstrasse5|10115|DE", ConsigneeKeys.Of(SampleDeclarations.PostalGift().Consignee));
    }

    [Fact]
    public void Spelling_variants_of_one_consignee_share_the_key()
    {
        var variants = new[]
        {
            SampleDeclarations.Person("Anna Schmidt", "Hauptstraße 5", "Berlin", "10115", "DE"),
            SampleDeclarations.Person("ANNA SCHMIDT", "HAUPTSTRASSE 5", "BERLIN", "10115", "DE"),
            SampleDeclarations.Person("anna  schmidt.", "Hauptstrasse-5", "Berlin-Mitte", " 10115 ", "DE"),
        };
        Assert.Single(variants.Select(ConsigneeKeys.Of).Distinct());
    }

    [Fact]
    public void Another_person_house_postcode_or_country_is_another_key()
    {
        var anna = ConsigneeKeys.Of(SampleDeclarations.Person("Anna Schmidt", "Hauptstrasse 5", "Berlin", "10115", "DE"));
        Assert.NotEqual(anna, ConsigneeKeys.Of(SampleDeclarations.Person("Anne Schmidt", "Hauptstrasse 5", "Berlin", "10115", "DE")));
        Assert.NotEqual(anna, ConsigneeKeys.Of(SampleDeclarations.Person("Anna Schmidt", "Hauptstrasse 7", "Berlin", "10115", "DE")));
        Assert.NotEqual(anna, ConsigneeKeys.Of(SampleDeclarations.Person("Anna Schmidt", "Hauptstrasse 5", "Berlin", "10117", "DE")));
        Assert.NotEqual(anna, ConsigneeKeys.Of(SampleDeclarations.Person("Anna Schmidt", "Hauptstrasse 5", "Wien", "10115", "AT")));
    }

    [Fact]
    public void Only_the_first_street_line_counts_and_missing_parts_keep_their_separators()
    {
        var consignee = SampleDeclarations.Person("Anna Schmidt", "Hauptstrasse 5", "Berlin", "", "DE");
        consignee.Address.StreetLines.Add("Hinterhaus, 3. OG");
        Assert.Equal("annaschmidt|hauptstrasse5||DE", ConsigneeKeys.Of(consignee));
        Assert.Equal("annaschmidt|||", ConsigneeKeys.Of(new Party { Name = "Anna Schmidt" }));
    }

    [Fact]
    public void Parts_cannot_run_into_each_other()
    {
        var a = SampleDeclarations.Person("Anna", "Schmidt 5", "Berlin", "10115", "DE");
        var b = SampleDeclarations.Person("Anna Schmidt", "5", "Berlin", "10115", "DE");
        Assert.NotEqual(ConsigneeKeys.Of(a), ConsigneeKeys.Of(b));
    }
}
