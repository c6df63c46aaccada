using Exchange.Contracts.Declaration.V1;
using Exchange.Core.Validation;

namespace Exchange.Core.Tests.Validation.Values;

/// <summary>
/// Names and addresses refuse invisible and bidirectional formatting characters by field path
/// (<see cref="IdentifyingText"/>): a right-to-left override would make a name print as another.
/// </summary>
public sealed class IdentifyingTextTests
{
    public static TheoryData<string, string> Invisible => new()
    {
        { "right-to-left override", "\u202E" },
        { "left-to-right embedding", "\u202A" },
        { "pop directional formatting", "\u202C" },
        { "zero-width space", "\u200B" },
        { "zero-width joiner", "\u200D" },
        { "right-to-left mark", "\u200F" },
        { "left-to-right isolate", "\u2066" },
        { "pop directional isolate", "\u2069" },
        { "byte order mark", "\uFEFF" },
        { "C1 control", "\u0085" },
        { "C0 control", "\u0007" },
    };

    /// <summary>Every name and address field of a declaration, and how to put text into it.</summary>
    public static readonly Dictionary<string, Action<Declaration, string>> Fields = new()
    {
        ["declaration.consignee.name"] = (d, text) => d.Consignee.Name = text,
        ["declaration.consignor.name"] = (d, text) => d.Consignor.Name = text,
        ["declaration.consignee.address.street_lines[0]"] = (d, text) => d.Consignee.Address.StreetLines[0] = text,
        ["declaration.consignee.address.city"] = (d, text) => d.Consignee.Address.City = text,
        ["declaration.consignee.address.postcode"] = (d, text) => d.Consignee.Address.Postcode = text,
        ["declaration.consignee.address.subdivision"] = (d, text) => d.Consignee.Address.Subdivision = text,
        ["declaration.consignor.address.city"] = (d, text) => d.Consignor.Address.City = text,
        ["declaration.transport.carrier_name"] = (d, text) => d.Transport.CarrierName = text,
    };

    public static TheoryData<string, string> FieldsAndCharacters()
    {
        var data = new TheoryData<string, string>();
        foreach (var field in Fields.Keys)
        {
            foreach (var character in Invisible)
            {
                data.Add(field, (string)character[1]);
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(FieldsAndCharacters))]
    public void A_name_or_address_with_an_invisible_character_is_refused_by_its_path(string field, string character)
    {
        var declaration = Samples.Postal(d => Fields[field](d, "Acme" + character + "1"));

        var violation = Assert.Single(DeclarationValidator.Validate(declaration));

        Assert.Equal(field, violation.Field);
        Assert.Contains($"U+{(int)character[0]:X4}", violation.Description, StringComparison.Ordinal);
    }

    [Fact]
    public void A_marketplace_name_with_a_right_to_left_override_is_refused()
    {
        var declaration = Samples.Express(d => d.Marketplace.Name = "Shop\u202Enoz");

        Assert.Equal("declaration.marketplace.name", Assert.Single(DeclarationValidator.Validate(declaration)).Field);
    }

    [Fact]
    public void Names_in_any_script_with_their_own_characters_are_accepted()
    {
        ValidationAssert.IsValid(Samples.Postal(d =>
        {
            d.Consignee.Name = "Zoë Ørsted-Łukasiewicz";
            d.Consignor.Name = "上海市 גלעד محمد";
            d.Consignee.Address.City = "Zürich";
        }));
    }
}
