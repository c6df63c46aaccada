using Exchange.Contracts.Declaration.V1;

namespace Exchange.Core.Validation;

/// <summary>
/// The particulars a declaration adds for the data sets that ask for them (beta, contract v1):
/// the EU customs procedure (H7 1/1 declaration type, 1/2 additional type, 1/10 procedure),
/// previous documents (H7 2/1), the specific circumstance indicator (WCO DM 504, an3), the notify
/// party and the buyer, the valuation (intrinsic value, method of payment), the document issue
/// date (WCO DM D011, not in the future), and the data-set profiles the filer names. Each as its field comment in
/// declaration.proto states it. Whether a named profile exists is the node's to say
/// (<c>Profiles.ProfileEnforcement</c>); here only its form.
/// </summary>
internal static class DeclarationParticularsFields
{
    public const int MaxPreviousDocuments = 99;
    public const int MaxProfiles = 10;

    public static void Check(Declaration d, string path, ViolationList violations, DateTimeOffset now)
    {
        if (d.CustomsProcedure is { } procedure)
        {
            if (CodeValues.Check(procedure.DeclarationTypeCode, 2, 2, "IM") is { } typeProblem)
            {
                violations.Add(path + ".customs_procedure.declaration_type_code", typeProblem);
            }

            if (procedure.AdditionalDeclarationTypeCode.Length > 0 && CodeValues.Check(procedure.AdditionalDeclarationTypeCode, 1, 1, "A") is { } additionalProblem)
            {
                violations.Add(path + ".customs_procedure.additional_declaration_type_code", additionalProblem);
            }

            if (procedure.ProcedureCode.Length > 0 && CodeValues.Check(procedure.ProcedureCode, 2, 4, "4000") is { } procedureProblem)
            {
                violations.Add(path + ".customs_procedure.procedure_code", procedureProblem);
            }
        }

        CheckPreviousDocuments(d, path + ".previous_documents", violations);

        // WCO DM 504 as the ICS2 IE tables give it: an3.
        if (d.SpecificCircumstanceIndicator.Length > 0 && CodeValues.Check(d.SpecificCircumstanceIndicator, 3, 3, "F45") is { } sciProblem)
        {
            violations.Add(path + ".specific_circumstance_indicator", sciProblem);
        }

        if (d.NotifyParty is not null)
        {
            PartyFields.Check(d.NotifyParty, path + ".notify_party", violations);
        }

        if (d.Buyer is not null)
        {
            PartyFields.Check(d.Buyer, path + ".buyer", violations);
        }

        if (d.Valuation is { } valuation)
        {
            if (valuation.IntrinsicValue is { } intrinsic)
            {
                MoneyValues.Check(intrinsic, path + ".valuation.intrinsic_value", MoneyValues.Sign.NotNegative, violations);
                var itemCurrency = d.Totals?.InvoiceTotal?.CurrencyCode;
                if (CurrencyCodes.IsActive(itemCurrency) && CurrencyCodes.IsActive(intrinsic.CurrencyCode) && intrinsic.CurrencyCode != itemCurrency)
                {
                    violations.Add(path + ".valuation.intrinsic_value.currency_code", $"must be {itemCurrency}, the currency of the goods items; got {intrinsic.CurrencyCode}");
                }
            }

            if (valuation.PaymentMethodCode.Length > 0 && CodeValues.Check(valuation.PaymentMethodCode, 1, 1, "A") is { } paymentProblem)
            {
                violations.Add(path + ".valuation.payment_method_code", paymentProblem);
            }
        }

        if (d.DocumentIssueTime is { } issued && PlausibleTimes.CheckPast(issued, now) is { } issueProblem)
        {
            violations.Add(path + ".document_issue_time", issueProblem);
        }

        CheckProfiles(d, path + ".data_set_profiles", violations);
    }

    private static void CheckPreviousDocuments(Declaration d, string path, ViolationList violations)
    {
        if (d.PreviousDocuments.Count > MaxPreviousDocuments)
        {
            violations.Add(path, $"must hold at most {MaxPreviousDocuments} entries; got {d.PreviousDocuments.Count}");
            return;
        }

        var seen = new HashSet<(string, string)>();
        for (var i = 0; i < d.PreviousDocuments.Count; i++)
        {
            var document = d.PreviousDocuments[i];
            if (CodeValues.Check(document.TypeCode, 1, DocumentReferences.MaxTypeCodeLength, "N337") is { } codeProblem)
            {
                violations.Add($"{path}[{i}].type_code", codeProblem);
            }

            TextValues.Required(document.Identifier, 1, DocumentReferences.MaxIdentifierLength, $"{path}[{i}].identifier", violations);
            if (!seen.Add((document.TypeCode, document.Identifier)))
            {
                violations.Add($"{path}[{i}]", $"repeats document {Echo.Quote(document.TypeCode)} {Echo.Quote(document.Identifier)}; give each once");
            }
        }
    }

    private static void CheckProfiles(Declaration d, string path, ViolationList violations)
    {
        if (d.DataSetProfiles.Count > MaxProfiles)
        {
            violations.Add(path, $"must hold at most {MaxProfiles} profile ids; got {d.DataSetProfiles.Count}");
            return;
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < d.DataSetProfiles.Count; i++)
        {
            var id = d.DataSetProfiles[i];
            if (!Profiles.DataSetProfileReader.IsWellFormedId(id))
            {
                violations.Add($"{path}[{i}]", $"must be a profile id of 1 to 40 upper-case letters, digits and hyphens, e.g. UPU-CN23; got {Echo.Quote(id)}");
            }
            else if (!seen.Add(id))
            {
                violations.Add($"{path}[{i}]", $"repeats {Echo.Quote(id)}; name each profile once");
            }
        }
    }
}
