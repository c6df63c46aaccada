namespace Exchange.Core.Configuration;

/// <summary>
/// An administration's configuration file (risk rules, tariff profile, exchange rates) is wrong.
/// Thrown at start-up with every problem found, each naming its place in the file as a JSON path
/// (e.g. "$.rules[2].weight: must be between -100 and 100"), so an operator fixes them in one go.
/// </summary>
public sealed class ConfigurationFileException(string source, IReadOnlyList<string> problems)
    : Exception($"{source} is not valid ({problems.Count} problem{(problems.Count == 1 ? "" : "s")}):{Environment.NewLine}  "
        + string.Join(Environment.NewLine + "  ", problems))
{
    /// <summary>The file (or embedded default) that was read.</summary>
    public string FileName { get; } = source;

    /// <summary>Every problem, each starting with its JSON path.</summary>
    public IReadOnlyList<string> Problems { get; } = problems;
}
