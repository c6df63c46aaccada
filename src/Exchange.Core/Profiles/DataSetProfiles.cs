using System.Collections.Frozen;
using Exchange.Contracts.Declaration.V1;
using Exchange.Core.Configuration;

namespace Exchange.Core.Profiles;

/// <summary>
/// The data-set profiles a node knows: the built-in ones (embedded Profiles/*.json: EU ICS2 house
/// level for postal and express, EU H7, US Entry Type 86, UPU CN23) and the files of an
/// administration's own profile directory, which add profiles or replace a built-in one of the same
/// id. Read once at start-up; any problem in any file stops the node, every problem named.
/// </summary>
public sealed class DataSetProfiles
{
    private const string ResourcePrefix = "Exchange.Core.Profiles.";

    private readonly FrozenDictionary<string, DataSetProfile> _byId;

    private DataSetProfiles(IReadOnlyList<DataSetProfile> profiles)
    {
        All = profiles;
        _byId = profiles.ToFrozenDictionary(p => p.Id, StringComparer.Ordinal);
    }

    /// <summary>Every profile, by id.</summary>
    public IReadOnlyList<DataSetProfile> All { get; }

    /// <summary>The built-in profiles only.</summary>
    public static DataSetProfiles BuiltIn { get; } = Load(directory: null);

    /// <summary>The profile of <paramref name="id"/>, or null.</summary>
    public DataSetProfile? Find(string id) => _byId.GetValueOrDefault(id);

    /// <summary>The profiles a declaration's destination and channel call for.</summary>
    public IReadOnlyList<DataSetProfile> For(Declaration declaration) =>
        All.Where(p => p.AppliesTo(declaration.Transport?.DestinationCountryCode ?? "", declaration.Channel)).ToList();

    /// <summary>
    /// The built-in profiles plus every *.json file of <paramref name="directory"/> (when given).
    /// Throws <see cref="ConfigurationFileException"/> naming every problem of every file, and
    /// when two files of the directory define the same id.
    /// </summary>
    public static DataSetProfiles Load(string? directory)
    {
        var profiles = new Dictionary<string, DataSetProfile>(StringComparer.Ordinal);
        foreach (var name in typeof(DataSetProfiles).Assembly.GetManifestResourceNames().Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal)).Order(StringComparer.Ordinal))
        {
            using var stream = typeof(DataSetProfiles).Assembly.GetManifestResourceStream(name)!;
            var profile = DataSetProfileReader.Read(new StreamReader(stream).ReadToEnd(), "embedded " + name[ResourcePrefix.Length..]);
            profiles.Add(profile.Id, profile);
        }

        if (directory is not null)
        {
            if (!Directory.Exists(directory))
            {
                throw new ConfigurationFileException(directory, ["the profile directory does not exist"]);
            }
            var problems = new List<string>();
            var fromDirectory = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var file in Directory.GetFiles(directory, "*.json").Order(StringComparer.Ordinal))
            {
                DataSetProfile profile;
                try
                {
                    profile = DataSetProfileReader.Read(File.ReadAllText(file), file);
                }
                catch (ConfigurationFileException e)
                {
                    problems.AddRange(e.Problems.Select(p => $"{Path.GetFileName(file)} {p}"));
                    continue;
                }
                if (fromDirectory.TryGetValue(profile.Id, out var other))
                {
                    problems.Add($"{Path.GetFileName(file)} $.id: profile {profile.Id} is also defined by {Path.GetFileName(other)}; give each profile one file");
                    continue;
                }
                fromDirectory[profile.Id] = file;
                if (profiles.TryGetValue(profile.Id, out var builtIn) && builtIn.Version == profile.Version && Content(builtIn) != Content(profile))
                {
                    problems.Add($"{Path.GetFileName(file)} $.version: profile {profile.Id} {profile.Version} contradicts the built-in {profile.Id} {builtIn.Version}, "
                        + "which has other content under the same version; a version names one content, so give yours a version of its own");
                    continue;
                }
                profiles[profile.Id] = profile;
            }
            problems.AddRange(Contradictions(profiles.Values.OrderBy(p => p.Id, StringComparer.Ordinal).ToList(), fromDirectory));
            if (problems.Count > 0)
            {
                throw new ConfigurationFileException(directory, problems);
            }
        }

        return new DataSetProfiles(profiles.Values.OrderBy(p => p.Id, StringComparer.Ordinal).ToList());
    }

    /// <summary>
    /// Two profiles contradict each other when they can apply to one declaration (a destination
    /// and a channel in common), are profiles of the same standard, and disagree about one of its
    /// elements (the same element id): they carry it at different field paths, or require
    /// different forms of it (pattern, code list). A declaration could then not say which of the
    /// two it satisfies. Profiles of different standards may ask different things of one field;
    /// that is not a contradiction, only two data sets.
    /// </summary>
    private static IEnumerable<string> Contradictions(IReadOnlyList<DataSetProfile> profiles, IReadOnlyDictionary<string, string> files)
    {
        for (var i = 0; i < profiles.Count; i++)
        {
            for (var j = i + 1; j < profiles.Count; j++)
            {
                var (a, b) = (profiles[i], profiles[j]);
                if (a.Standard != b.Standard || !a.Channels.Overlaps(b.Channels) || !a.Destinations.Overlaps(b.Destinations))
                {
                    continue;
                }
                var inB = b.Elements.Where(e => e.ElementId.Length > 0).ToLookup(e => e.ElementId, StringComparer.Ordinal);
                foreach (var group in a.Elements.Where(e => e.ElementId.Length > 0).GroupBy(e => e.ElementId, StringComparer.Ordinal))
                {
                    if (!inB.Contains(group.Key))
                    {
                        continue;
                    }
                    var forms = Forms(group);
                    var otherForms = Forms(inB[group.Key]);
                    if (forms != otherForms)
                    {
                        var where = files.GetValueOrDefault(b.Id) ?? files.GetValueOrDefault(a.Id);
                        yield return $"{(where is null ? "" : Path.GetFileName(where) + " ")}$.elements: profiles {a.Id} and {b.Id} (both {a.Standard}, both applying to "
                            + $"{a.Destinations.Intersect(b.Destinations).Order(StringComparer.Ordinal).First()} {a.Channels.Intersect(b.Channels).Order().First().ToString().ToUpperInvariant()}) "
                            + $"contradict each other on element {group.Key}: {a.Id} has {forms}, {b.Id} has {otherForms}";
                    }
                }
            }
        }
    }

    // Where and in what form a profile carries one element, as comparable text.
    private static string Forms(IEnumerable<ProfileElement> elements) =>
        string.Join(" and ", elements.Select(e => e.Path.Text + (e.Pattern is null ? "" : $" matching {e.Pattern}") + (e.CodeList is null ? "" : $" from {e.CodeList.Name}")).Distinct().Order(StringComparer.Ordinal));

    // What a profile asks, as comparable text: where it applies and its elements (not its id, version or title).
    private static string Content(DataSetProfile profile) => string.Join("\n",
        [
            profile.Standard,
            string.Join(",", profile.Destinations.Order(StringComparer.Ordinal)),
            string.Join(",", profile.Channels.Order()),
            .. profile.Elements.Select(e => $"{e.ElementId}|{e.ElementName}|{e.Path.Text}|{e.Required}|{e.Pattern}|{e.PatternHint}|{e.CodeList?.Name}"),
        ]);
}
