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
                profiles[profile.Id] = profile;
            }
            if (problems.Count > 0)
            {
                throw new ConfigurationFileException(directory, problems);
            }
        }

        return new DataSetProfiles(profiles.Values.OrderBy(p => p.Id, StringComparer.Ordinal).ToList());
    }
}
