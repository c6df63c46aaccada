using Exchange.Contracts.Declaration.V1;
using Exchange.Core.Validation;

namespace Exchange.Core.Tests.Validation.Values;

public class EnumValuesTests
{
    [Fact]
    public void A_required_enum_left_unspecified_lists_the_proto_names()
    {
        var violations = new ViolationList();
        EnumValues.Required(Channel.Unspecified, "declaration.channel", violations);
        Assert.Equal(
            new FieldViolation("declaration.channel", "is required: one of CHANNEL_POSTAL, CHANNEL_EXPRESS, CHANNEL_CARGO"),
            Assert.Single(violations.ToReadOnlyList()));
    }

    [Theory]
    [InlineData(99)]
    [InlineData(-1)]
    [InlineData(4)]
    public void A_number_the_contract_does_not_define_is_refused(int number)
    {
        var violations = new ViolationList();
        EnumValues.Required((Channel)number, "declaration.channel", violations);
        Assert.StartsWith($"unknown value {number}; expected one of CHANNEL_POSTAL", Assert.Single(violations.ToReadOnlyList()).Description);
    }

    [Fact]
    public void An_optional_enum_may_be_unspecified_but_not_unknown()
    {
        var violations = new ViolationList();
        EnumValues.Optional(TransportMode.Unspecified, "mode", violations);
        EnumValues.Optional(TransportMode.Mail, "mode", violations);
        Assert.Equal(0, violations.Count);

        EnumValues.Optional((TransportMode)6, "mode", violations);
        Assert.Equal("mode", Assert.Single(violations.ToReadOnlyList()).Field);
    }

    [Fact]
    public void Defined_values_are_accepted()
    {
        var violations = new ViolationList();
        foreach (var role in Enum.GetValues<FilerRole>().Where(r => r != FilerRole.Unspecified))
        {
            EnumValues.Required(role, "role", violations);
        }

        Assert.Equal(0, violations.Count);
        Assert.True(EnumValues.IsKnown(ItemCategory.Other));
        Assert.False(EnumValues.IsKnown(ItemCategory.Unspecified));
        Assert.False(EnumValues.IsKnown((ItemCategory)42));
    }
}
