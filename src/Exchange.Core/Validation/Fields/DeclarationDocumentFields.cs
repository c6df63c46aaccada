using Exchange.Contracts.Declaration.V1;

namespace Exchange.Core.Validation;

/// <summary>
/// What a declaration adds for customs procedures (EU H7 2/3 documents, 2/2 additional
/// information, 1/11 additional procedures): 0 to 99 of each, documents by reference
/// (<see cref="DocumentReferences"/>) and once each, statements with a code of 1 to 5 upper-case
/// letters or digits and at most 512 characters of text, procedure codes of 3 characters, no repeats.
/// </summary>
internal static class DeclarationDocumentFields
{
    public const int MaxEach = 99;

    public static void Check(Declaration d, string path, ViolationList violations)
    {
        var documentsPath = path + ".supporting_documents";
        if (CheckCount(d.SupportingDocuments.Count, documentsPath, violations))
        {
            var seen = new HashSet<(string, string)>();
            for (var i = 0; i < d.SupportingDocuments.Count; i++)
            {
                var document = d.SupportingDocuments[i];
                foreach (var (field, problem) in DocumentReferences.Problems(document))
                {
                    violations.Add($"{documentsPath}[{i}].{field}", problem);
                }

                if (!seen.Add((document.TypeCode, document.Identifier)))
                {
                    violations.Add($"{documentsPath}[{i}]", $"repeats document {Echo.Quote(document.TypeCode)} {Echo.Quote(document.Identifier)}; give each once");
                }
            }
        }

        var statementsPath = path + ".additional_information";
        if (CheckCount(d.AdditionalInformation.Count, statementsPath, violations))
        {
            for (var i = 0; i < d.AdditionalInformation.Count; i++)
            {
                var statement = d.AdditionalInformation[i];
                if (CodeValues.Check(statement.Code, 1, 5, "00500") is { } codeProblem)
                {
                    violations.Add($"{statementsPath}[{i}].code", codeProblem);
                }

                TextValues.Optional(statement.Text, 512, $"{statementsPath}[{i}].text", violations);
            }
        }

        var proceduresPath = path + ".additional_procedure_codes";
        if (CheckCount(d.AdditionalProcedureCodes.Count, proceduresPath, violations))
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            for (var i = 0; i < d.AdditionalProcedureCodes.Count; i++)
            {
                var code = d.AdditionalProcedureCodes[i];
                if (CodeValues.Check(code, 3, 3, "C07") is { } problem)
                {
                    violations.Add($"{proceduresPath}[{i}]", problem);
                }
                else if (!seen.Add(code))
                {
                    violations.Add($"{proceduresPath}[{i}]", $"repeats {Echo.Quote(code)}; give each code once");
                }
            }
        }
    }

    /// <summary>Whether the list is short enough to check item by item; a longer one is refused as a whole.</summary>
    private static bool CheckCount(int count, string path, ViolationList violations)
    {
        if (count <= MaxEach)
        {
            return true;
        }

        violations.Add(path, $"must hold at most {MaxEach} entries; got {count}");
        return false;
    }
}
