using Exchange.Core.Validation;

namespace Exchange.Core.Tests.Validation.Codes;

public class CountryCodesTests
{
    [Fact]
    public void Holds_the_249_assigned_ISO_3166_1_codes_in_upper_case()
    {
        Assert.Equal(249, CountryCodes.Assigned.Count);
        Assert.All(CountryCodes.Assigned, code => Assert.Matches("^[A-Z]{2}$", code));
    }

    [Theory]
    [InlineData("DE")]
    [InlineData("CN")]
    [InlineData("GB")]
    [InlineData("US")]
    [InlineData("NL")]
    [InlineData("AX")]
    [InlineData("BQ")]
    [InlineData("CW")]
    [InlineData("SS")]
    [InlineData("SX")]
    [InlineData("PS")]
    [InlineData("TW")]
    [InlineData("AQ")]
    public void Knows_assigned_codes(string code)
    {
        Assert.True(CountryCodes.IsAssigned(code));
        Assert.Null(CountryCodes.Check(code));
    }

    [Theory]
    [InlineData("XK")] // Kosovo: user-assigned, not ISO 3166-1
    [InlineData("XI")] // Northern Ireland customs code: user-assigned
    [InlineData("XX")]
    [InlineData("ZZ")]
    [InlineData("AA")]
    [InlineData("QZ")]
    [InlineData("EU")] // exceptionally reserved
    [InlineData("UK")] // exceptionally reserved
    [InlineData("EL")] // EU VAT code of Greece
    [InlineData("AN")] // Netherlands Antilles, deleted 2010
    [InlineData("YU")] // transitionally reserved
    [InlineData("CS")]
    public void Refuses_user_assigned_reserved_and_deleted_codes(string code)
    {
        Assert.False(CountryCodes.IsAssigned(code));
        Assert.Equal($"\"{code}\" is not an assigned ISO 3166-1 alpha-2 country code", CountryCodes.Check(code));
    }

    [Theory]
    [InlineData("de")]
    [InlineData("DEU")]
    [InlineData("D")]
    [InlineData("")]
    [InlineData(null)]
    public void Explains_the_expected_form_for_malformed_codes(string? code)
    {
        Assert.False(CountryCodes.IsAssigned(code));
        Assert.StartsWith("must be an ISO 3166-1 alpha-2 country code in upper case", CountryCodes.Check(code));
    }

    [Fact]
    public void Lists_the_27_EU_member_states_all_with_assigned_codes()
    {
        Assert.Equal(27, CountryCodes.EuMemberStates.Count);
        Assert.Subset(CountryCodes.Assigned.ToHashSet(), CountryCodes.EuMemberStates.ToHashSet());
        Assert.True(CountryCodes.IsEuMemberState("GR"));
        Assert.True(CountryCodes.IsEuMemberState("HR"));
        Assert.False(CountryCodes.IsEuMemberState("GB")); // left on 31 January 2020
        Assert.False(CountryCodes.IsEuMemberState("CH"));
        Assert.False(CountryCodes.IsEuMemberState("NO"));
        Assert.False(CountryCodes.IsEuMemberState("EL"));
        Assert.False(CountryCodes.IsEuMemberState(null));
    }
}
