using Exchange.Contracts.Declaration.V1;

namespace Exchange.Core.Validation;

/// <summary>
/// The field-by-field rules of the declaration header, each as the contract's field comment states
/// it (declaration.proto, which cites WCO DM, CN22/CN23, Section 321 and ICS2 per field). Output
/// only fields (name, customs_reference, status, revision, etag, create_time, update_time) belong
/// to the server and are not checked.
/// </summary>
internal static class DeclarationFields
{
    // WCO DM 006 sequence number and ICS2 house consignments: 1 to 999 goods items.
    public const int MaxItems = 999;

    public static void Check(Declaration d, string path, ViolationList violations, DateTimeOffset now)
    {
        if (string.IsNullOrWhiteSpace(d.LocalReferenceNumber))
        {
            violations.Required(path + ".local_reference_number", "1 to 22 letters, digits or - _ / .");
        }
        else if (LocalReferenceNumber.Check(d.LocalReferenceNumber) is { } lrnProblem)
        {
            violations.Add(path + ".local_reference_number", lrnProblem);
        }

        // WCO DM 009 / WCO Data Set 016 UCR, an..35.
        TextValues.Optional(d.UniqueConsignmentReference, 35, path + ".unique_consignment_reference", violations);

        EnumValues.Required(d.Channel, path + ".channel", violations);
        EnumValues.Required(d.Category, path + ".category", violations);
        EnumValues.Required(d.NatureOfCargo, path + ".nature_of_cargo", violations);

        if (d.TransportDocument is null)
        {
            violations.Required(path + ".transport_document");
        }
        else
        {
            TransportDocumentFields.Check(d.TransportDocument, path + ".transport_document", violations);
        }

        if (d.Seller is not null)
        {
            PartyFields.Check(d.Seller, path + ".seller", violations);
        }

        if (d.Marketplace is not null)
        {
            MarketplaceFields.Check(d.Marketplace, path + ".marketplace", violations);
        }

        PartyFields.CheckRequired(d.Consignor, path + ".consignor", violations);
        PartyFields.CheckRequired(d.Consignee, path + ".consignee", violations);

        if (d.Declarant is null)
        {
            violations.Required(path + ".declarant");
        }
        else
        {
            DeclarantFields.Check(d.Declarant, path + ".declarant", violations);
        }

        if (d.DeliverTo is not null)
        {
            PartyFields.Check(d.DeliverTo, path + ".deliver_to", violations);
        }

        CheckItems(d, path + ".items", violations);

        if (d.Totals is null)
        {
            violations.Required(path + ".totals");
        }
        else
        {
            TotalsFields.Check(d.Totals, path + ".totals", violations);
        }

        if (d.Transport is null)
        {
            violations.Required(path + ".transport");
        }
        else
        {
            TransportFields.Check(d.Transport, path + ".transport", violations, now);
        }

        if (d.IossNumber.Length > 0 && IossNumber.Check(d.IossNumber) is { } iossProblem)
        {
            violations.Add(path + ".ioss_number", iossProblem);
        }

        Revenue.PayerModels.Check(d, path, violations);

        // CN23 "Explanation" / "Comments", at most 512 characters.
        TextValues.Optional(d.Remarks, 512, path + ".remarks", violations);

        DeclarationDocumentFields.Check(d, path, violations);
        if (d.Representative is not null)
        {
            RepresentativeFields.Check(d.Representative, path + ".representative", violations);
        }

        PostalDetailsFields.Check(d, path + ".postal_details", violations, now);
        UnitedStatesEntryFields.Check(d, path + ".us_entry", violations);
        DeclarationParticularsFields.Check(d, path, violations, now);
    }

    private static void CheckItems(Declaration d, string path, ViolationList violations)
    {
        if (d.Items.Count == 0)
        {
            violations.Required(path, "at least one goods item");
            return;
        }

        if (d.Items.Count > MaxItems)
        {
            violations.Add(path, $"must hold at most {MaxItems} goods items; got {d.Items.Count}. Split the consignment");
        }

        // Beyond the limit the list must be cut anyway; checking those items would only bury the
        // useful answers under thousands of repeats.
        var checkedCount = Math.Min(d.Items.Count, MaxItems);
        for (var i = 0; i < checkedCount; i++)
        {
            var itemPath = $"{path}[{i}]";
            if (d.Items[i] is { } item)
            {
                GoodsItemFields.Check(item, itemPath, violations);
            }
            else
            {
                violations.Required(itemPath);
            }
        }
    }
}
