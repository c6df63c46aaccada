using Exchange.Contracts.Declaration.V1;

namespace Exchange.Core.Validation;

/// <summary>
/// One goods item (a line of CN23 boxes 1, 2, 3, 5, 7, 8; an ICS2 house consignment goods item): description 3..512 and
/// specific, HS code, quantity with a UN/ECE Rec. 20 unit, net weight (n..16,6, above zero), value
/// (above zero), origin country, SKU (at most 70) and product and picture URLs.
/// </summary>
internal static class GoodsItemFields
{
    public static void Check(GoodsItem item, string path, ViolationList violations)
    {
        var descriptionPath = path + ".description";
        var before = violations.Count;
        TextValues.Required(item.Description, GoodsDescription.MinLength, GoodsDescription.MaxLength, descriptionPath, violations);
        if (violations.Count == before && GoodsDescription.Check(item.Description) is { } vague)
        {
            violations.Add(descriptionPath, vague);
        }

        EnumValues.Optional(item.TariffNomenclature, path + ".tariff_nomenclature", violations);
        if (item.HsCode.Length > 0 && HsCode.Check(item.HsCode, item.TariffNomenclature) is { } hsProblem)
        {
            violations.Add(path + ".hs_code", hsProblem);
        }

        if (item.HsEdition.Length > 0 && !HsCode.Editions.Contains(item.HsEdition))
        {
            violations.Add(path + ".hs_edition", $"must be a Harmonized System edition, one of {string.Join(", ", HsCode.Editions)}; got {Echo.Quote(item.HsEdition)}");
        }

        if (item.Quantity is null)
        {
            violations.Required(path + ".quantity");
        }
        else
        {
            CheckQuantity(item.Quantity, path + ".quantity", violations);
        }

        CheckMeasure(item.NetWeightKg, path + ".net_weight_kg", violations);

        if (item.Value is null)
        {
            violations.Required(path + ".value");
        }
        else
        {
            MoneyValues.Check(item.Value, path + ".value", MoneyValues.Sign.Positive, violations);
        }

        CountryField.Optional(item.OriginCountryCode, path + ".origin_country_code", violations);
        TextValues.Optional(item.Sku, 70, path + ".sku", violations);

        if (item.ProductUrl.Length > 0 && WebAddress.Check(item.ProductUrl) is { } productUrlProblem)
        {
            violations.Add(path + ".product_url", productUrlProblem);
        }

        if (item.PictureUrl.Length > 0 && WebAddress.Check(item.PictureUrl) is { } pictureUrlProblem)
        {
            violations.Add(path + ".picture_url", pictureUrlProblem);
        }

        CheckGrossWeight(item, path + ".gross_weight_kg", violations);
        if (item.Packaging is { } packaging)
        {
            if (packaging.Count is < 1 or > MaxPackages)
            {
                violations.Add(path + ".packaging.count", $"must be 1 to {MaxPackages}; got {packaging.Count}");
            }

            if (CodeValues.Check(packaging.TypeCode, 2, 2, "PK") is { } typeProblem)
            {
                violations.Add(path + ".packaging.type_code", typeProblem);
            }
        }

        if (item.UnNumber.Length > 0 && CodeValues.Digits(item.UnNumber, 4, "1203 (without \"UN\")") is { } unProblem)
        {
            violations.Add(path + ".un_number", unProblem);
        }
    }

    public const int MaxPackages = 99_999;

    /// <summary>An item's optional gross weight: a measure like the net weight, and not below it (it includes the packaging).</summary>
    private static void CheckGrossWeight(GoodsItem item, string path, ViolationList violations)
    {
        if (item.GrossWeightKg is not { Value.Length: > 0 } gross)
        {
            return;
        }

        if (DecimalValues.CheckPositiveMeasure(gross, out var grossKg) is { } problem)
        {
            violations.Add(path, problem);
        }
        else if (DecimalValues.CheckPositiveMeasure(item.NetWeightKg, out var netKg) is null && grossKg < netKg)
        {
            violations.Add(path, $"must not be less than the item's net weight: gross {Echo.Number(grossKg)} kg, net {Echo.Number(netKg)} kg");
        }
    }

    /// <summary>A required weight or quantity: present, exact, above zero, n..16,6.</summary>
    internal static void CheckMeasure(Google.Type.Decimal? value, string path, ViolationList violations)
    {
        if (value is null || value.Value.Length == 0)
        {
            violations.Required(path, "a decimal number greater than zero, e.g. 0.25");
        }
        else if (DecimalValues.CheckPositiveMeasure(value, out _) is { } problem)
        {
            violations.Add(path, problem);
        }
    }

    private static void CheckQuantity(Quantity quantity, string path, ViolationList violations)
    {
        CheckMeasure(quantity.Value, path + ".value", violations);

        if (quantity.UnitCode.Length == 0)
        {
            violations.Required(path + ".unit_code", "a UN/ECE Recommendation 20 unit code, e.g. H87 (piece)");
        }
        else if (UnitCode.Check(quantity.UnitCode) is { } unitProblem)
        {
            violations.Add(path + ".unit_code", unitProblem);
        }
    }
}
