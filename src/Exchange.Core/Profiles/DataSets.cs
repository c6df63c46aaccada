using Exchange.Contracts.Declaration.V1;
using Exchange.Core.Validation;

namespace Exchange.Core.Profiles;

/// <summary>One element of a declaration's data set under a profile: where its value came from and what it is, or why it is missing.</summary>
public sealed record DataSetEntry(ProfileElement Element, string Path, string? Value, string? Problem);

/// <summary>A declaration as one profile's data set: every element with its value, and the problems (missing required elements, malformed values, codes outside their code list).</summary>
public sealed record DataSet(DataSetProfile Profile, IReadOnlyList<DataSetEntry> Entries)
{
    /// <summary>Whether the declaration satisfies the profile: no required element missing, no value of the wrong form or outside its code list.</summary>
    public bool Complete => Entries.All(e => e.Problem is null);

    /// <summary>The problems as field violations, each by its path in the declaration (under <paramref name="root"/>).</summary>
    public IEnumerable<FieldViolation> Violations(string root) =>
        Entries.Where(e => e.Problem is not null).Select(e => new FieldViolation($"{root}.{e.Path}", $"{e.Problem} ({Profile.Id} {Profile.Version}: {Describe(e.Element)})"));

    private static string Describe(ProfileElement element) => element.ElementId.Length > 0 ? $"{element.ElementId} {element.ElementName}" : element.ElementName;
}

/// <summary>Builds a declaration's data set under a profile: the one place a profile is applied.</summary>
public static class DataSets
{
    public static DataSet Of(DataSetProfile profile, Declaration declaration)
    {
        var entries = new List<DataSetEntry>();
        foreach (var element in profile.Elements)
        {
            foreach (var (path, value) in element.Path.ValuesIn(declaration))
            {
                entries.Add(new DataSetEntry(element, path, value, Problem(element, value)));
            }
        }
        return new DataSet(profile, entries);
    }

    private static string? Problem(ProfileElement element, string? value)
    {
        if (value is null)
        {
            return element.Required ? "is required by this data set" : null;
        }
        if (element.Pattern is { } pattern && !pattern.IsMatch(value))
        {
            return $"must be {element.PatternForm}; got {Echo.Quote(value)}";
        }
        // A code list names the codes the standard allows: a well-shaped code outside it (a
        // withdrawn currency, a country code never assigned) is as wrong as a malformed one.
        return element.CodeList is { } codeList && !codeList.Contains(element.Path.CodeIn(value))
            ? $"{(element.Path.EndsAtMoney ? "must be money " : "must be ")}{element.CodeListForm}; got {Echo.Quote(value)}"
            : null;
    }
}
