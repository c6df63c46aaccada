using Exchange.Contracts.Declaration.V1;
using Exchange.Core.Validation;

namespace Exchange.Core.Tests.Validation;

/// <summary>Assertions on the paths a validation reports.</summary>
internal static class ValidationAssert
{
    public static string[] Paths(IEnumerable<FieldViolation> violations) =>
        violations.Select(v => v.Field).Order(StringComparer.Ordinal).ToArray();

    /// <summary>Asserts that validating <paramref name="declaration"/> reports exactly <paramref name="expectedPaths"/> (once each unless repeated).</summary>
    public static IReadOnlyList<FieldViolation> ReportsExactly(Declaration declaration, params string[] expectedPaths)
    {
        var violations = DeclarationValidator.Validate(declaration);
        Assert.Equal(expectedPaths.Order(StringComparer.Ordinal).ToArray(), Paths(violations));
        return violations;
    }

    /// <summary>Asserts that the declaration is valid; on failure the message lists what was reported.</summary>
    public static void IsValid(Declaration declaration)
    {
        var violations = DeclarationValidator.Validate(declaration);
        Assert.True(violations.Count == 0,
            "Expected no violations, got: " + string.Join("; ", violations.Select(v => $"{v.Field}: {v.Description}")));
    }

    /// <summary>The description reported at <paramref name="path"/>, which must be reported exactly once.</summary>
    public static string DescriptionAt(IEnumerable<FieldViolation> violations, string path) =>
        Assert.Single(violations, v => v.Field == path).Description;
}
