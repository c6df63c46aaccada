using System.Globalization;

namespace Exchange.Client.Cli;

/// <summary>An option a command accepts: a flag when <see cref="ValueName"/> is null.</summary>
public sealed record OptionSpec(string Name, string? ValueName, string Description)
{
    public bool IsFlag => ValueName is null;

    public string Usage => IsFlag ? Name : $"{Name} {ValueName}";
}

/// <summary>
/// What a command looks like on the command line: its positional arguments (all required) and
/// its options. The last argument may end in "..." (e.g. <c>&lt;house-ref&gt;...</c>): it takes
/// one or more values. The parser, the usage text and the help text are all derived from it, so
/// they cannot disagree.
/// </summary>
public sealed record CommandSpec(
    string Name,
    string Summary,
    IReadOnlyList<string> Arguments,
    IReadOnlyList<OptionSpec> Options,
    string? Details = null)
{
    /// <summary>Whether the last argument takes one or more values.</summary>
    public bool LastArgumentRepeats => Arguments.Count > 0 && Arguments[^1].EndsWith("...", StringComparison.Ordinal);

    public string UsageLine =>
        string.Join(' ', new[] { "exchange-client", Name }
            .Concat(Arguments)
            .Concat(Options.Select(o => $"[{o.Usage}]")));
}

/// <summary>The command line was wrong; the message says how, the usage says what is right.</summary>
public sealed class UsageException(string message) : Exception(message);

/// <summary>The result of parsing one command's arguments.</summary>
public sealed class ParsedArguments(
    IReadOnlyList<string> positionals,
    IReadOnlyDictionary<string, string> values,
    IReadOnlySet<string> flags)
{
    public IReadOnlyList<string> Positionals { get; } = positionals;

    public string? Value(string option) => values.GetValueOrDefault(option);

    public bool Flag(string option) => flags.Contains(option);

    /// <summary>An integer option within [min, max], or null when absent.</summary>
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
}

/// <summary>
/// A deliberately small parser (no System.CommandLine dependency): <c>--name value</c>,
/// <c>--name=value</c>, flags, and positionals; <c>--</c> ends the options. Anything it does not
/// know is an error, so a mistyped option never silently changes what is sent.
/// </summary>
public static class CommandLine
{
    public static ParsedArguments Parse(IReadOnlyList<string> args, CommandSpec spec, IReadOnlyList<OptionSpec> globalOptions)
    {
        var known = spec.Options.Concat(globalOptions).ToDictionary(o => o.Name, StringComparer.Ordinal);
        var positionals = new List<string>();
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var flags = new HashSet<string>(StringComparer.Ordinal);
        var optionsEnded = false;

        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (optionsEnded || !arg.StartsWith('-') || arg == "-")
            {
                positionals.Add(arg);
                continue;
            }
            if (arg == "--")
            {
                optionsEnded = true;
                continue;
            }

            var (name, inlineValue) = arg.IndexOf('=') is var eq and > 0 ? (arg[..eq], arg[(eq + 1)..]) : (arg, null);
            if (name == "-h")
            {
                name = "--help";
            }
            if (!known.TryGetValue(name, out var option))
            {
                throw new UsageException($"Unknown option '{name}' for '{spec.Name}'.");
            }
            if (option.IsFlag)
            {
                if (inlineValue is not null)
                {
                    throw new UsageException($"{name} takes no value.");
                }
                flags.Add(name);
                continue;
            }
            var value = inlineValue ?? (i + 1 < args.Count ? args[++i] : throw new UsageException($"{name} needs a value ({option.ValueName})."));
            if (!values.TryAdd(name, value))
            {
                throw new UsageException($"{name} was given twice.");
            }
        }

        // Help wins over a missing argument: `submit --help` should explain submit, not complain.
        if (!flags.Contains("--help"))
        {
            if (positionals.Count < spec.Arguments.Count)
            {
                throw new UsageException($"Missing argument {spec.Arguments[positionals.Count]}.");
            }
            if (positionals.Count > spec.Arguments.Count && !spec.LastArgumentRepeats)
            {
                throw new UsageException($"Unexpected argument '{positionals[spec.Arguments.Count]}'.");
            }
        }
        return new ParsedArguments(positionals, values, flags);
    }
}
