using System.Text.RegularExpressions;
using static Exchange.ContractDocs.Markdown;

namespace Exchange.ContractDocs;

/// <summary>A source standard the contract's comments cite, and how a citation of it is recognised.</summary>
internal sealed record SourceStandard(string Id, string Title, string Description, Regex Citation);

/// <summary>
/// The "Mapping to source standards" section: for each standard, every element (service, RPC,
/// message, field, enum, enum value) whose comment cites it, with the clause that does. Citations
/// are found by the standard's name or id in the comment text (e.g. "WCO DM D026", "CN23").
/// </summary>
internal static partial class StandardsMapping
{
    public const string Anchor = "mapping-to-source-standards";

    public static readonly IReadOnlyList<SourceStandard> Standards =
    [
        new("wco-dm", "WCO Data Model (WCO DM)", "Element ids of the World Customs Organization Data Model.", new(@"\bWCO DM\b")),
        new("upu-cn22-cn23", "UPU CN22 / CN23", "The Universal Postal Union customs declaration forms, carried electronically by the ITMATT message.", new(@"\bCN2[23]\b|\bITMATT\b")),
        new("eu-ics2", "EU ICS2", "The EU Import Control System 2: entry summary declarations and the harmonised trader interface messages (IE3xxx).", new(@"\bICS2\b")),
        new("us-section-321", "US CBP Section 321 / Entry Type 86", "The US Customs and Border Protection Section 321 Data Pilot and Entry Type 86 data elements.", new(@"\bSection 321\b|\bType 86\b")),
        new("edifact-7365", "UN/EDIFACT 7365 Processing indicator", "UN/EDIFACT data element 7365, the processing indicator of a customs response (CUSRES).", new(@"\bEDIFACT\b[\w ]{0,20}?\b7365\b")),
        new("edifact-7085", "UN/EDIFACT 7085 Nature of cargo", "UN/EDIFACT data element 7085, coding the WCO Immediate Release Guidelines categories.", new(@"\bEDIFACT\b[\w ]{0,20}?\b7085\b")),
        new("wco-irg", "WCO Immediate Release Guidelines", "The WCO Immediate Release Guidelines categories of consignments.", new(@"\bImmediate Release Guidelines\b|\bIRG\b")),
        new("upu-s10", "UPU S10", "The UPU standard S10 postal item identifier (2 letters, 8 digits, check digit, country code).", new(@"\bS10\b")),
        new("iso-3166", "ISO 3166", "Country codes (ISO 3166-1 alpha-2).", new(@"\bISO 3166")),
        new("iso-4217", "ISO 4217", "Currency codes.", new(@"\bISO 4217\b")),
        new("eu-ioss", "EU IOSS", "The EU Import One-Stop-Shop VAT scheme for consignments of intrinsic value up to EUR 150.", new(@"\bIOSS\b|\bImport One-Stop-Shop\b")),
        new("eu-h7", "EU H7", "The EU H7 low-value customs declaration data set.", new(@"\bH7\b")),
        new("eu-eori", "EU EORI", "The EU Economic Operators Registration and Identification number.", new(@"\bEORI\b|\bEconomic Operators Registration\b")),
        new("harmonized-system", "Harmonized System (HS)", "The WCO Harmonized Commodity Description and Coding System, and national tariffs built on it (e.g. HTSUS).", new(@"\bHarmonized System\b|\bHS\b|\bHTSUS\b")),
        new("unece-rec-19", "UN/ECE Recommendation 19", "Codes for modes of transport.", new(@"\bRecommendation 19\b")),
        new("unece-rec-20", "UN/ECE Recommendation 20", "Codes for units of measure.", new(@"\bRecommendation 20\b")),
        new("itu-e123", "ITU-T E.123", "Notation for telephone numbers.", new(@"\bE\.123\b")),
    ];

    /// <summary>The clauses of <paramref name="comment"/> that cite <paramref name="standard"/>, in order, each once.</summary>
    public static IReadOnlyList<string> Citations(SourceStandard standard, string comment)
    {
        var clauses = new List<string>();
        foreach (Match match in standard.Citation.Matches(comment))
        {
            var clause = ClauseAround(comment, match);
            if (!clauses.Contains(clause))
            {
                clauses.Add(clause);
            }
        }
        return clauses;
    }

    public static void Write(Contract contract, Action<string> line)
    {
        var elements = contract.Packages.SelectMany(Elements).ToList();
        var cited = Standards
            .Select(s => (Standard: s, Rows: elements.Select(e => (Element: e, Clauses: Citations(s, e.Comment.Flat))).Where(r => r.Clauses.Count > 0).ToList()))
            .Where(s => s.Rows.Count > 0)
            .ToList();

        line(Heading(2, "Mapping to source standards", Anchor));
        line("");
        line("Which elements of the contract cite which source standard, collected from the comments above by the " +
             "standard's name or identifier. The citing clause is quoted; the element's full comment is the normative text.");
        line("");
        foreach (var (standard, rows) in cited)
        {
            line($"- {Link(standard.Title, "standard-" + standard.Id)}: {rows.Count} element{(rows.Count == 1 ? "" : "s")}");
        }
        line("");
        foreach (var (standard, rows) in cited)
        {
            line(Heading(3, standard.Title, "standard-" + standard.Id));
            line("");
            line(standard.Description);
            line("");
            line("| Element | Kind | Citation |");
            line("|---|---|---|");
            foreach (var (element, clauses) in rows)
            {
                line($"| {Link(Code(element.Name), element.Target)} | {element.Kind} | {Cell(string.Join("; ", clauses))} |");
            }
            line("");
        }
    }

    private sealed record Element(string Name, string Target, string Kind, Comment Comment);

    private static IEnumerable<Element> Elements(PackageDoc package)
    {
        Element Of(string fullName, string kind, Comment comment) => new(package.Relative(fullName), fullName, kind, comment);

        foreach (var service in package.Services)
        {
            yield return Of(service.FullName, "service", service.Comment);
            foreach (var method in service.Methods)
            {
                yield return Of(method.FullName, "RPC", method.Comment);
            }
        }
        foreach (var message in package.Messages)
        {
            yield return Of(message.FullName, "message", message.Comment);
            foreach (var field in message.Fields)
            {
                yield return Of(field.FullName, "field", field.Comment);
            }
        }
        foreach (var @enum in package.Enums)
        {
            yield return Of(@enum.FullName, "enum", @enum.Comment);
            foreach (var value in @enum.Values)
            {
                yield return Of(value.FullName, "enum value", value.Comment);
            }
        }
    }

    /// <summary>The clause around a citation: the text between the nearest brackets, semicolons, commas, colons or sentence ends.</summary>
    private static string ClauseAround(string text, Match citation)
    {
        var start = 0;
        var end = text.Length;
        foreach (Match boundary in ClauseBoundary().Matches(text))
        {
            if (boundary.Index + boundary.Length <= citation.Index)
            {
                start = boundary.Index + boundary.Length;
            }
            else if (boundary.Index >= citation.Index + citation.Length)
            {
                end = boundary.Index;
                break;
            }
        }
        return text[start..end].Trim();
    }

    [GeneratedRegex(@"[();]|, |: |\.(?=\s+[A-Z]|$)")]
    private static partial Regex ClauseBoundary();
}
