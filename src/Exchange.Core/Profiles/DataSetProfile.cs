using System.Collections.Frozen;
using System.Text.RegularExpressions;
using Exchange.Contracts.Declaration.V1;

namespace Exchange.Core.Profiles;

/// <summary>
/// What one standard's data set asks of a declaration, read from a versioned data file
/// (Profiles/*.json, or an administration's own): which declarations it applies to (destinations,
/// channels) and, per element of the standard, where the contract carries it, whether it is
/// required and the form its value must have. Adding a jurisdiction is adding a file.
/// </summary>
public sealed record DataSetProfile(
    string Id,
    string Version,
    string Title,
    string Standard,
    string Source,
    FrozenSet<string> Destinations,
    FrozenSet<Channel> Channels,
    IReadOnlyList<ProfileElement> Elements)
{
    /// <summary>Whether the profile applies to a declaration going to <paramref name="destination"/> on <paramref name="channel"/>.</summary>
    public bool AppliesTo(string destination, Channel channel) => Destinations.Contains(destination) && Channels.Contains(channel);
}

/// <summary>
/// One element of a profile's data set: its id and name in the standard, where the contract
/// carries it, whether the data set requires it, and optionally the pattern its value must match
/// and the code list its value (a money value's currency) must be drawn from.
/// </summary>
public sealed record ProfileElement(string ElementId, string ElementName, ElementPath Path, bool Required, Regex? Pattern, string? PatternHint, CodeList? CodeList)
{
    /// <summary>The form of its value the pattern asks for, in words: the hint, else the pattern itself; null without a pattern.</summary>
    public string? PatternForm => Pattern is null ? null : PatternHint ?? "of the form " + Pattern;

    /// <summary>The code its value must have, in words, e.g. "an ISO 3166-1 alpha-2 country code (ISO-3166-1-alpha-2)"; null without a code list.</summary>
    public string? CodeListForm => CodeList is null ? null : (Path.EndsAtMoney ? "with " : "") + $"{CodeList.Title} ({CodeList.Name})";
}
