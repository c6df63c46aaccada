namespace Exchange.Core.Validation;

/// <summary>Country code fields: ISO 3166-1 alpha-2, upper case (WCO DM 242, a2).</summary>
internal static class CountryField
{
    public static void Required(string value, string path, ViolationList violations)
    {
        if (value.Length == 0)
        {
            violations.Required(path, "an ISO 3166-1 alpha-2 country code, e.g. DE");
        }
        else if (CountryCodes.Check(value) is { } problem)
        {
            violations.Add(path, problem);
        }
    }

    public static void Optional(string value, string path, ViolationList violations)
    {
        if (value.Length > 0 && CountryCodes.Check(value) is { } problem)
        {
            violations.Add(path, problem);
        }
    }
}
