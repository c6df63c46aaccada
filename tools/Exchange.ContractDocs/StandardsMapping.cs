using System.Text;
using Google.Protobuf;
using static Exchange.ContractDocs.Markdown;

namespace Exchange.ContractDocs;

/// <summary>A standard of exchange.standard.v1.Standard: its enum value name, anchor id, title and what it is.</summary>
internal sealed record SourceStandard(string ValueName, string Id, string Title, string Description);

/// <summary>An edition (or text) of a standard that claims may cite, and where it can be read.</summary>
internal sealed record SourceEdition(string Standard, string Edition, string Source);

/// <summary>One exchange.standard.v1.ElementMapping option, with the contract element it is on.</summary>
internal sealed record MappingClaim(
    string Element, string Anchor, string Kind, SourceStandard Standard, SourceEdition Edition,
    string ElementId, string ElementName, string Code, string Notes, bool Unconfirmed);

/// <summary>
/// The mapping of the contract to source standards, read from the exchange.standard.v1 options
/// (field 51002 of every kind of options): the "Mapping to source standards" section of the
/// reference and docs/contract/standards-mapping.csv. A claim must name a known standard and one
/// of its editions below, each with the source it was checked against; anything else stops the
/// generator, so an unsourced claim cannot reach the docs.
/// </summary>
internal static class StandardsMapping
{
    public const string Anchor = "mapping-to-source-standards";
    public const string CsvHeader = "proto_element,standard,edition,element_id,element_name,notes";

    // exchange/standard/v1/standard_mapping.proto: the same number on every kind of options, and
    // the fields of ElementMapping.
    private const int MappingField = 51002;
    private const int StandardField = 1, EditionField = 2, ElementIdField = 3, ElementNameField = 4, CodeField = 5, NotesField = 6, UnconfirmedField = 7;
    private const string StandardEnum = "exchange.standard.v1.Standard";

    public static readonly IReadOnlyList<SourceStandard> Standards =
    [
        new("STANDARD_WCO_DATA_MODEL", "wco-dm", "WCO Data Model", "Element ids of the World Customs Organization Data Model (and of the WCO Data Set before it)."),
        new("STANDARD_EU_ICS2", "eu-ics2", "EU ICS2", "The EU Import Control System 2: the entry summary declaration (ENS), the harmonised trader interface messages (IE3xxx) and code lists (CLxxx)."),
        new("STANDARD_EU_H7", "eu-h7", "EU H7", "The EU H7 low-value customs declaration data set (column H7 of Annex B to Delegated Regulation (EU) 2015/2446)."),
        new("STANDARD_UPU_CN22", "upu-cn22", "UPU CN22", "The Universal Postal Union's CN22 customs declaration form."),
        new("STANDARD_UPU_CN23", "upu-cn23", "UPU CN23", "The Universal Postal Union's CN23 customs declaration form, carried electronically by the ITMATT message."),
        new("STANDARD_UPU_S10", "upu-s10", "UPU S10", "The UPU standard S10 postal item identifier."),
        new("STANDARD_US_SECTION_321_DATA_PILOT", "us-section-321", "US Section 321 Data Pilot", "The US CBP Section 321 Data Pilot's data elements."),
        new("STANDARD_US_ENTRY_TYPE_86", "us-type-86", "US Entry Type 86", "The US CBP ACE Entry Type 86 test's data."),
        new("STANDARD_UN_EDIFACT", "un-edifact", "UN/EDIFACT", "UN/EDIFACT data elements and their code lists (UNTDID)."),
        new("STANDARD_UNECE_RECOMMENDATION_19", "unece-rec-19", "UN/ECE Recommendation 19", "Codes for modes of transport."),
        new("STANDARD_WCO_IMMEDIATE_RELEASE_GUIDELINES", "wco-irg", "WCO Immediate Release Guidelines", "The WCO Immediate Release Guidelines and their four categories of consignments."),
        new("STANDARD_WCO_ECOMMERCE_FRAMEWORK", "wco-fos", "WCO E-Commerce Framework of Standards", "The WCO Cross-Border E-Commerce Framework of Standards (2018; revised 2022, which numbers its standards differently)."),
    ];

    /// <summary>Every edition a claim may cite, with its source. Sources are those of ../shared/reference/standards.md.</summary>
    public static readonly IReadOnlyList<SourceEdition> Editions =
    [
        new("STANDARD_WCO_DATA_MODEL", "HTI IE tables v2.02", "WCO DM ids as the ICS2 harmonised trader interface IE tables v2.02 (DG TAXUD, 2022-05-04) give them; 126 and 144 as ../shared/reference/standards-review.md read them there"),
        new("STANDARD_WCO_DATA_MODEL", "Data Set v3", "WCO Data Set version 3, https://pdfslide.us/documents/wco-data-set-version-3-.html"),
        new("STANDARD_EU_ICS2", "HTI IE tables v2.02", "ICS2 harmonised trader interface IE tables v2.02 (DG TAXUD, 2022-05-04); HTI Interface Control Document v3.30 (2022-03-02)"),
        new("STANDARD_EU_ICS2", "HTI message catalogue", "ICS2 messages as EU CTP actions (github.com/phax/phase4, enum EEuCtpAction); https://hub.emmasys.com/help-center/ics-2-messages-and-stauts"),
        new("STANDARD_EU_ICS2", "ICS2 validation rules", "https://customscloud.freshdesk.com/support/solutions/folders/202000265015/page/2 (EORI/TIN, E.123 telephone numbers); conex.net ICS2 FAQ (house level: 6-digit commodity code and detailed description)"),
        new("STANDARD_EU_H7", "Annex B, Reg. (EU) 2021/234", "https://eur-lex.europa.eu/legal-content/EN/TXT/?uri=uriserv%3AOJ.L_.2021.063.01.0001.01.ENG; data element numbers as the UK's mirror of H7 gives them (gov.uk, appendix 21H)"),
        new("STANDARD_EU_H7", "AEAT H7 manual", "Spanish Tax Agency (AEAT) H7 manual, section on fiscal data: https://sede.agenciatributaria.gob.es/ (j-e_d-13-16-000-fiscales)"),
        new("STANDARD_UPU_CN22", "CN22 form", "https://www.taxheal.com/customs-declaration-cn-22-form-download-print.html; https://indiacustomercare.com/customs-declaration-cn-22"),
        new("STANDARD_UPU_CN23", "OECD 2018 Annex A", "The CN23 form as OECD 2018 \"Misuse of small parcels\" Annex A reproduces it: https://docslib.org/doc/3085148/annex-a-cn-23-customs-declaration-form-81"),
        new("STANDARD_UPU_S10", "S10-12", "UPU S10-12, status 2 (2017-10-17); format and check digit as github.com/jkeen/tracking_number_data (couriers/s10.json)"),
        new("STANDARD_US_SECTION_321_DATA_PILOT", "88 FR 10140 (2023)", "84 FR 35405 (2019) and 88 FR 10140 (2023); elements: https://www.greenworldwide.com/cbp-to-launch-advance-data-collection-program-for-section-321-low-value-imports/ (the filer-specific list is unconfirmed)"),
        new("STANDARD_US_ENTRY_TYPE_86", "CBP Type 86 FAQ", "https://www.cbp.gov/trade/trade-enforcement/tftea/section-321-programs/entry-type-86-frequently-asked-questions; minimum data: https://tradevynt.com/blog/customs-entry-type-86 (secondary); entry number and planned port of entry: https://www.ghy.com/trade-compliance/cbp-begins-pilot-testing-ace-reporting-for-certain-low-value-shipments/"),
        new("STANDARD_UN_EDIFACT", "D.96A", "UNTDID D.96A: https://stedi.com/edi/edifact/D96A/elements/7365 and .../7085"),
        new("STANDARD_UNECE_RECOMMENDATION_19", "Second edition (2001)", "ECE/TRADE/272: https://www.digitalizetrade.org/implementation-instrument/un-recommendation-transport-code-recommendation-19-codes-mode-transport"),
        new("STANDARD_WCO_IMMEDIATE_RELEASE_GUIDELINES", "Version III (2018)", "https://tfig.unece.org/contents/wco-immediate-release-guidelines.htm"),
        new("STANDARD_WCO_ECOMMERCE_FRAMEWORK", "2018", "Standards 1-5 as the OECD reproduces them: https://oecd.org/en/publications/the-role-of-digital-platforms-in-the-collection-of-vat-gst-on-online-sales_e0e2dd2d-en/full-report/component-13.html"),
    ];

    /// <summary>Every claim of the contract, in reference order (packages, then elements as declared).</summary>
    public static IReadOnlyList<MappingClaim> Claims(Contract contract)
    {
        var standardNames = contract.EnumValueNames(StandardEnum);
        var claims = new List<MappingClaim>();
        foreach (var package in contract.Packages)
        {
            foreach (var (fullName, kind, options) in Elements(package))
            {
                foreach (var mapping in WireFields.Messages(WireFields.Of(options), MappingField))
                {
                    claims.Add(Claim(package.Relative(fullName), fullName, kind, mapping, standardNames));
                }
            }
        }
        return claims;
    }

    public static void Write(Contract contract, Action<string> line)
    {
        var claims = Claims(contract);
        var cited = Standards.Select(s => (Standard: s, Rows: claims.Where(c => c.Standard == s).ToList())).Where(s => s.Rows.Count > 0).ToList();

        line(Heading(2, "Mapping to source standards", Anchor));
        line("");
        line("Which element of which standard each contract element implements, from the `exchange.standard.v1` options on the " +
             "elements (the same rows as docs/contract/standards-mapping.csv). Each claim names the edition or text it was " +
             "checked against; \"unconfirmed\" marks an element the source gives without confirming it from the standard's own text.");
        line("");
        foreach (var (standard, rows) in cited)
        {
            line($"- {Link(standard.Title, "standard-" + standard.Id)}: {rows.Count} claim{(rows.Count == 1 ? "" : "s")}");
        }
        line("");
        foreach (var (standard, rows) in cited)
        {
            line(Heading(3, standard.Title, "standard-" + standard.Id));
            line("");
            line(standard.Description);
            line("");
            foreach (var edition in rows.Select(r => r.Edition).Distinct())
            {
                line($"- {Cell(edition.Edition)}: {Cell(edition.Source)}");
            }
            line("");
            line("| Element | Kind | Element id | Element name | Code | Notes |");
            line("|---|---|---|---|---|---|");
            foreach (var row in rows)
            {
                var notes = row.Unconfirmed ? Join("unconfirmed", row.Notes) : row.Notes;
                line($"| {Link(Code(row.Element), row.Anchor)} | {row.Kind} | {Cell(row.ElementId)} | {Cell(row.ElementName)} | {Cell(row.Code)} | {Cell(notes)} |");
            }
            line("");
        }
    }

    /// <summary>docs/contract/standards-mapping.csv: one row per claim (RFC 4180, "\n" line ends).</summary>
    public static string Csv(Contract contract)
    {
        var csv = new StringBuilder().Append(CsvHeader).Append('\n');
        foreach (var claim in Claims(contract))
        {
            var notes = Join(
                claim.Code.Length > 0 ? $"code {claim.Code}" : "",
                claim.Notes,
                claim.Unconfirmed ? "unconfirmed in the source" : "",
                $"source: {claim.Edition.Source}");
            csv.AppendJoin(',', new[] { claim.Anchor, claim.Standard.Title, claim.Edition.Edition, claim.ElementId, claim.ElementName, notes }.Select(CsvField)).Append('\n');
        }
        return csv.ToString();
    }

    private static MappingClaim Claim(string name, string fullName, string kind, ByteString mapping, IReadOnlyDictionary<ulong, string> standardNames)
    {
        var number = WireFields.Last(WireFields.Varints(mapping, StandardField));
        var valueName = standardNames.GetValueOrDefault(number, number.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var standard = Standards.FirstOrDefault(s => s.ValueName == valueName)
            ?? throw new InvalidOperationException($"{fullName}: a mapping names standard {valueName}, which the docs tool does not know (StandardsMapping.Standards).");
        var editionName = WireFields.Last(WireFields.Strings(mapping, EditionField)) ?? "";
        var edition = Editions.FirstOrDefault(e => e.Standard == valueName && e.Edition == editionName)
            ?? throw new InvalidOperationException(
                $"{fullName}: a {standard.Title} mapping cites edition \"{editionName}\", which has no source (StandardsMapping.Editions lists: " +
                string.Join(", ", Editions.Where(e => e.Standard == valueName).Select(e => $"\"{e.Edition}\"")) + ").");
        string Text(int field) => WireFields.Last(WireFields.Strings(mapping, field)) ?? "";
        return new MappingClaim(name, fullName, kind, standard, edition, Text(ElementIdField), Text(ElementNameField), Text(CodeField), Text(NotesField),
            WireFields.Last(WireFields.Varints(mapping, UnconfirmedField)) != 0);
    }

    private static IEnumerable<(string FullName, string Kind, IMessage? Options)> Elements(PackageDoc package)
    {
        foreach (var service in package.Services)
        {
            foreach (var method in service.Methods)
            {
                yield return (method.FullName, "RPC", method.Proto.Options);
            }
        }
        foreach (var message in package.Messages)
        {
            yield return (message.FullName, "message", message.Proto.Options);
            foreach (var field in message.Fields)
            {
                yield return (field.FullName, "field", field.Proto.Options);
            }
        }
        foreach (var @enum in package.Enums)
        {
            yield return (@enum.FullName, "enum", @enum.Proto.Options);
            foreach (var value in @enum.Values)
            {
                yield return (value.FullName, "enum value", value.Proto.Options);
            }
        }
    }

    private static string Join(params string[] parts) => string.Join("; ", parts.Where(p => p.Length > 0));

    private static string CsvField(string value) =>
        value.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;
}
