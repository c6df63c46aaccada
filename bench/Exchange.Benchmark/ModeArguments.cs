using System.Globalization;

namespace Exchange.Benchmark;

/// <summary>
/// The options of the in-process modes (<c>ingest</c>, <c>report</c>): <c>--name value</c> pairs,
/// each name one the mode knows. A name it does not know, or one without a value, is refused.
/// </summary>
public sealed class ModeArguments
{
    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);

    private ModeArguments()
    {
    }

    /// <summary>The options, or an ArgumentException naming the first one that is wrong.</summary>
    public static ModeArguments Parse(IReadOnlyList<string> args, params string[] names)
    {
        var parsed = new ModeArguments();
        for (var i = 0; i < args.Count; i++)
        {
            if (!names.Contains(args[i]) || i + 1 >= args.Count)
            {
                throw new ArgumentException($"Unknown argument or missing value: '{args[i]}'.");
            }
            parsed._values[args[i]] = args[++i];
        }
        return parsed;
    }

    /// <summary>
    /// Parses <paramref name="args"/> and reads the mode's settings from them with
    /// <paramref name="read"/>; on a wrong option, says what is wrong and the usage on stderr and
    /// returns false (the mode then exits with 2).
    /// </summary>
    public static bool TryRead<T>(IReadOnlyList<string> args, string usage, string[] names, Func<ModeArguments, T> read, out T settings)
    {
        try
        {
            settings = read(Parse(args, names));
            return true;
        }
        catch (ArgumentException e)
        {
            Console.Error.WriteLine(e.Message);
            Console.Error.WriteLine(usage);
            settings = default!;
            return false;
        }
    }

    public string? Text(string name) => _values.GetValueOrDefault(name);

    /// <summary>The option as a whole number within [min, max], or <paramref name="fallback"/> when absent.</summary>
    public int Number(string name, int fallback, int min, int max) =>
        _values.TryGetValue(name, out var text)
            ? int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max
                ? value
                : throw new ArgumentException($"{name} must be a whole number from {min} to {max}; got '{text}'.")
            : fallback;
}
