using System.Collections.Frozen;
using Exchange.Contracts.Declaration.V1;
using Exchange.Core.Validation;

namespace Exchange.Core.Profiles;

/// <summary>
/// The data-set profiles a declaration is held to when it is submitted or amended (unary or bulk):
/// the ones the administration requires for the declaration's channel that apply to its
/// destination, and the ones the filer names in <c>data_set_profiles</c>. A declaration missing a
/// required element of any of them, or giving one in the wrong form, is refused with every such
/// element by field path, in the same BadRequest as the contract's own rules. By default the
/// administration requires none, so a node enforces nothing beyond the contract until it is
/// configured to, or a filer asks (docs/contract/standards-mapping.md).
/// </summary>
public sealed class ProfileEnforcement
{
    private readonly DataSetProfiles _profiles;
    private readonly FrozenDictionary<Channel, IReadOnlyList<DataSetProfile>> _required;

    private ProfileEnforcement(DataSetProfiles profiles, FrozenDictionary<Channel, IReadOnlyList<DataSetProfile>> required)
    {
        _profiles = profiles;
        _required = required;
    }

    /// <summary>The profiles only checked when a filer names them: none required by the administration.</summary>
    public static ProfileEnforcement OnRequest(DataSetProfiles profiles) => new(profiles, FrozenDictionary<Channel, IReadOnlyList<DataSetProfile>>.Empty);

    /// <summary>
    /// The enforcement an administration configures: per channel name (POSTAL, EXPRESS, CARGO, any
    /// case), the ids of the profiles it requires. Each problem of the configuration is added to
    /// <paramref name="problems"/> (an unknown channel, an unknown profile, a profile listed for a
    /// channel it does not apply to, a profile listed twice), and null is returned when there are any.
    /// </summary>
    public static ProfileEnforcement? Configure(DataSetProfiles profiles, IReadOnlyDictionary<string, IReadOnlyList<string>> requiredByChannel, string setting, List<string> problems)
    {
        var required = new Dictionary<Channel, IReadOnlyList<DataSetProfile>>();
        var before = problems.Count;
        foreach (var (channelName, ids) in requiredByChannel.OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            if (!Enum.TryParse<Channel>(channelName, ignoreCase: true, out var channel) || channel == Channel.Unspecified || !Enum.IsDefined(channel) || int.TryParse(channelName, out _))
            {
                problems.Add($"{setting}:{channelName}: not a channel; use POSTAL, EXPRESS or CARGO");
                continue;
            }
            var list = new List<DataSetProfile>();
            for (var i = 0; i < ids.Count; i++)
            {
                var id = ids[i];
                if (profiles.Find(id) is not { } profile)
                {
                    problems.Add($"{setting}:{channelName}:{i}: no profile \"{id}\" (known: {string.Join(", ", profiles.All.Select(p => p.Id))})");
                }
                else if (!profile.Channels.Contains(channel))
                {
                    problems.Add($"{setting}:{channelName}:{i}: profile {id} applies to {string.Join(", ", profile.Channels.Order().Select(Name))}, not {Name(channel)}; list it under a channel it applies to");
                }
                else if (list.Contains(profile))
                {
                    problems.Add($"{setting}:{channelName}:{i}: lists {id} twice");
                }
                else
                {
                    list.Add(profile);
                }
            }
            required[channel] = list;
        }
        return problems.Count > before ? null : new ProfileEnforcement(profiles, required.ToFrozenDictionary());
    }

    /// <summary>The profiles the administration requires for <paramref name="channel"/>, whatever the destination.</summary>
    public IReadOnlyList<DataSetProfile> RequiredFor(Channel channel) => _required.GetValueOrDefault(channel) ?? [];

    /// <summary>
    /// Every violation of the profiles <paramref name="declaration"/> is held to, by field path
    /// under <paramref name="path"/>, and every profile it names that the node does not know (at
    /// <c>data_set_profiles[i]</c>). Empty for a null declaration: the contract's rules report that.
    /// </summary>
    public IReadOnlyList<FieldViolation> Check(Declaration? declaration, string path)
    {
        if (declaration is null)
        {
            return [];
        }
        var violations = new List<FieldViolation>();
        foreach (var profile in HeldTo(declaration, path, violations))
        {
            violations.AddRange(DataSets.Of(profile, declaration).Violations(path));
        }
        return violations;
    }

    /// <summary>
    /// The profiles <paramref name="declaration"/> is held to: those required for its channel that
    /// apply to its destination, then those it names. A named id the node does not know is added
    /// to <paramref name="violations"/> at its path under <paramref name="path"/>.
    /// </summary>
    public IReadOnlyList<DataSetProfile> HeldTo(Declaration declaration, string path, List<FieldViolation> violations)
    {
        var destination = declaration.Transport?.DestinationCountryCode ?? "";
        var held = RequiredFor(declaration.Channel).Where(p => p.AppliesTo(destination, declaration.Channel)).ToList();
        for (var i = 0; i < declaration.DataSetProfiles.Count; i++)
        {
            var id = declaration.DataSetProfiles[i];
            if (_profiles.Find(id) is { } named)
            {
                if (!held.Contains(named))
                {
                    held.Add(named);
                }
            }
            else if (DataSetProfileReader.IsWellFormedId(id)) // a malformed id is the contract's rules' to report
            {
                violations.Add(new FieldViolation($"{path}.data_set_profiles[{i}]",
                    $"no profile {Echo.Quote(id)} on this node; known: {string.Join(", ", _profiles.All.Select(p => p.Id))} (DataSetService.ListDataSetProfiles)"));
            }
        }
        return held;
    }

    private static string Name(Channel channel) => channel.ToString().ToUpperInvariant();
}
