using Exchange.Contracts.Declaration.V1;

namespace Exchange.Core.Validation;

/// <summary>
/// Checks a declaration against every rule of the standard and returns all the violations at once,
/// each with the path of the offending field, so that a filer can correct everything in one go
/// (AIP-193: one BadRequest with all field violations).
/// </summary>
public static class DeclarationValidator
{
    private delegate void CrossFieldRule(Declaration declaration, string path, ViolationList violations);

    // Rules that relate several fields. Each is in its own class, with its source. They run after
    // the field rules and stay silent when a field they need is missing or malformed, because the
    // field rules have already reported that field.
    private static readonly CrossFieldRule[] CrossFieldRules =
    [
        ChannelTransportDocumentRule.Check,
        CommercialItemDataRule.Check,
        SaleRequiresSellerRule.Check,
        GiftWithoutMarketplaceRule.Check,
        DocumentsNatureRule.Check,
        OtherRequiresRemarksRule.Check,
        ItemCurrencyRule.Check,
        InvoiceTotalRule.Check,
        GrossWeightRule.Check,
        CrossBorderRule.Check,
        IossDestinationRule.Check,
        IossValueCeilingRule.Check,
    ];

    /// <summary>
    /// Every violation of <paramref name="declaration"/>, each with its field path starting at
    /// <paramref name="path"/> (proto field names, zero-based list indexes, e.g.
    /// <c>declaration.items[2].hs_code</c>). Empty when the declaration is valid. Never throws,
    /// whatever the input: null sub-messages, out-of-range numbers, unknown enum values, huge or
    /// binary strings are all reported as violations.
    /// </summary>
    /// <param name="declaration">The declaration to check.</param>
    /// <param name="path">The field path violations start at.</param>
    /// <param name="clock">The node's clock, for the times a filer states (<see cref="PlausibleTimes"/>); null: the system clock.</param>
    public static IReadOnlyList<FieldViolation> Validate(Declaration? declaration, string path = "declaration", TimeProvider? clock = null)
    {
        path ??= "";
        var violations = new ViolationList();
        if (declaration is null)
        {
            violations.Required(path);
            return violations.ToReadOnlyList();
        }

        DeclarationFields.Check(declaration, path, violations, (clock ?? TimeProvider.System).GetUtcNow());
        foreach (var rule in CrossFieldRules)
        {
            rule(declaration, path, violations);
        }

        return violations.ToReadOnlyList();
    }
}
