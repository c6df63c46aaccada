using System.Collections.Frozen;
using System.Text.RegularExpressions;
using Exchange.Contracts.Declaration.V1;
using Exchange.Core.Configuration;
using Exchange.Core.Validation;

namespace Exchange.Core.Profiles;

/// <summary>
/// Reads a data-set profile file, reporting every problem with its JSON path
/// (<see cref="ConfigFileObject"/>): an unknown property, a path the contract does not have, a
/// pattern that is not a regular expression, an unknown code list, an unknown country or channel,
/// an element given twice.
/// </summary>
internal static partial class DataSetProfileReader
{
    /// <summary>The destinations token for the 27 EU member states.</summary>
    public const string EuropeanUnion = "EU";

    /// <summary>The destinations token for every country (a universal form such as the UPU CN23).</summary>
    public const string AnyCountry = "ANY";

    /// <summary>Whether <paramref name="id"/> has the form of a profile id: 1 to 40 upper-case letters, digits and hyphens, starting with a letter or digit.</summary>
    /// <remarks>Checked for every profile a submission names, so the expression is compiled once.</remarks>
    public static bool IsWellFormedId(string id) => id.Length is > 0 and <= 40 && ProfileId().IsMatch(id);

    [GeneratedRegex("^[A-Z0-9][A-Z0-9-]*$", RegexOptions.CultureInvariant)]
    private static partial Regex ProfileId();

    public static DataSetProfile Read(string json, string source) => ConfigFileObject.Read(json, source, (root, problems) =>
    {
        var id = root.String("id", required: true, maxLength: 40);
        if (id is not null && !IsWellFormedId(id))
        {
            root.Problem("id", $"must be upper-case letters, digits and hyphens, e.g. EU-ICS2-HOUSE-POSTAL; got \"{id}\"");
        }
        var version = root.String("version", required: true, maxLength: 20);
        var title = root.String("title", required: true, maxLength: 200);
        var standard = root.String("standard", required: true, maxLength: 100);
        var sourceText = root.String("source", required: true, maxLength: 500);

        var destinations = new HashSet<string>(StringComparer.Ordinal);
        var channels = new HashSet<Channel>();
        if (root.Object("applies_to", required: true) is { } appliesTo)
        {
            foreach (var (country, path) in appliesTo.Strings("destinations", required: true))
            {
                if (country == EuropeanUnion)
                {
                    destinations.UnionWith(CountryCodes.EuMemberStates);
                }
                else if (country == AnyCountry)
                {
                    destinations.UnionWith(CountryCodes.Assigned);
                }
                else if (CountryCodes.IsAssigned(country))
                {
                    destinations.Add(country);
                }
                else
                {
                    problems.Add($"{path}: must be an ISO 3166-1 alpha-2 code, \"EU\" or \"ANY\"; got \"{country}\"");
                }
            }
            foreach (var (name, path) in appliesTo.Strings("channels", required: true))
            {
                if (Enum.TryParse<Channel>(name, ignoreCase: true, out var channel) && channel != Channel.Unspecified && Enum.IsDefined(channel))
                {
                    channels.Add(channel);
                }
                else
                {
                    problems.Add($"{path}: must be POSTAL, EXPRESS or CARGO; got \"{name}\"");
                }
            }
            appliesTo.ReportUnknownProperties();
        }

        var elements = new List<ProfileElement>();
        var seen = new HashSet<(string, string)>();
        foreach (var element in root.Objects("elements", required: true))
        {
            var elementId = element.String("element_id", required: false, maxLength: 40) ?? "";
            var elementName = element.String("element_name", required: true, maxLength: 200);
            var pathText = element.String("path", required: true, maxLength: 200);
            var required = element.Bool("required", required: true);
            var hint = element.String("pattern_hint", required: false, maxLength: 200);
            Regex? pattern = null;
            if (element.String("pattern", required: false, maxLength: 500) is { } patternText)
            {
                try
                {
                    pattern = new Regex(patternText, RegexOptions.CultureInvariant, TimeSpan.FromMilliseconds(100));
                }
                catch (ArgumentException e)
                {
                    element.Problem("pattern", $"is not a regular expression: {e.Message}");
                }
            }
            ElementPath? path = null;
            if (pathText is not null)
            {
                path = ElementPath.Parse(pathText, out var pathProblem);
                if (pathProblem is not null)
                {
                    element.Problem("path", pathProblem);
                }
            }
            var codeList = ReadCodeList(element, elementName, path);
            if (pathText is not null && elementName is not null && !seen.Add((elementId + "|" + elementName, pathText)))
            {
                element.Problem($"repeats element \"{elementName}\" at \"{pathText}\"");
            }
            element.ReportUnknownProperties();
            if (elementName is not null && path is not null && required is not null)
            {
                elements.Add(new ProfileElement(elementId, elementName, path, required.Value, pattern, hint, codeList));
            }
        }
        root.ReportUnknownProperties();

        return id is null || version is null || title is null || standard is null || sourceText is null
            ? null
            : new DataSetProfile(id, version, title, standard, sourceText, destinations.ToFrozenSet(), channels.ToFrozenSet(), elements);
    });

    /// <summary>
    /// The element's <c>code_list</c>, or null when it has none or it is refused: a name the node
    /// does not know (<see cref="CodeLists"/>), or a list that cannot apply to the field the path
    /// ends at (codes are text; on money only a list of currencies applies, to its currency code).
    /// </summary>
    private static CodeList? ReadCodeList(ConfigFileObject element, string? elementName, ElementPath? path)
    {
        if (element.String("code_list", required: false, maxLength: 40) is not { } name)
        {
            return null;
        }
        var forElement = elementName is null ? "" : $" for element \"{elementName}\"";
        if (CodeLists.Find(name) is not { } codeList)
        {
            element.Problem("code_list", $"no code list \"{name}\"{forElement}; known: {string.Join(", ", CodeLists.All.Select(c => c.Name))}");
            return null;
        }
        if (path is null || path.EndsAtText || (path.EndsAtMoney && codeList.OfCurrencies))
        {
            return codeList;
        }
        element.Problem("code_list", path.EndsAtMoney
            ? $"{name}{forElement} is not a list of currencies, and \"{path.Text}\" is money, whose code is its currency"
            : $"{name}{forElement} cannot apply to \"{path.Text}\": a code list applies to text or to a money value's currency");
        return null;
    }
}
