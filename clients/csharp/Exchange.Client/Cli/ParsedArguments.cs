using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace Exchange.Client.Cli;

/// <summary>The command line was wrong; the message says how, in one sentence.</summary>
public sealed class UsageException(string message) : Exception(message);

/// <summary>
/// What one command was given, read from System.CommandLine's parse result by the names the
/// tree (<see cref="ClientCommandLine"/>) gives them. Values the parser cannot check by type alone
/// (ranges, dates) are checked here, so every such mistake reads alike and names its option.
/// </summary>
public sealed class ParsedArguments(ParseResult result)
{
    /// <summary>The command's positional arguments, in order; a repeated last argument contributes each of its values.</summary>
    public IReadOnlyList<string> Positionals { get; } = result.CommandResult.Command.Arguments
        .SelectMany(argument => result.GetResult(argument)?.Tokens.Select(t => t.Value) ?? [])
        .ToList();

    /// <summary>A text option's value, or null when it was not given.</summary>
    public string? Value(string option) => Find(option) is Option<string> text ? result.GetValue(text) : null;

    /// <summary>Whether a flag was given.</summary>
    public bool Flag(string option) => Find(option) is Option<bool> flag && result.GetValue(flag);

    /// <summary>An integer option within [min, max], or null when absent.</summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1720", Justification = "Read as `arguments.Int(\"--page-size\", ...)`: the name says what the option is read as; the client is an application, not a library for other languages.")]
    public int? Int(string option, int min, int max)
    {
        if (Value(option) is not { } text)
        {
            return null;
        }
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
        {
            throw new UsageException($"{option} must be a whole number from {min} to {max}, not '{text}'.");
        }
        return value;
    }

    /// <summary>An ISO 8601 date or date-time option, or null when absent. A time without an offset is UTC.</summary>
    public DateTimeOffset? Time(string option)
    {
        if (Value(option) is not { } text)
        {
            return null;
        }
        if (!DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var value))
        {
            throw new UsageException($"{option} must be an ISO 8601 date or time such as 2026-03-01 or 2026-03-01T12:00:00Z, not '{text}'.");
        }
        return value;
    }

    // The command's own options, then those it inherits (--server, --filer); a name the tree does
    // not define for this command is a programming error, not a user's.
    private Option Find(string name)
    {
        for (SymbolResult? scope = result.CommandResult; scope is CommandResult command; scope = command.Parent)
        {
            if (command.Command.Options.FirstOrDefault(o => o.Name == name) is { } option)
            {
                return option;
            }
        }
        throw new InvalidOperationException($"The command line of '{result.CommandResult.Command.Name}' defines no option {name}.");
    }
}
