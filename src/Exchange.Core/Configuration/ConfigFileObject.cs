using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Exchange.Core.Configuration;
using Exchange.Core.Validation;

namespace Exchange.Core.Configuration;

/// <summary>
/// One JSON object of an administration's configuration file being read (risk rules, tariff
/// profile, exchange rates: one reader, so every file follows one convention): typed access to its
/// properties that records every problem with its JSON path instead of stopping at the first, and
/// reports the properties nobody asked for (a misspelt "wieght" must not be ignored silently).
/// Properties whose names start with "_" are comments ("_note", "_source") and are never reported.
/// Money amounts and rates are decimal STRINGS ("1.0850", "21"): a JSON number would invite
/// writers and readers to pass it through binary floating point, and these values must stay exact.
/// </summary>
internal sealed partial class ConfigFileObject
{
    private readonly JsonElement _element;
    private readonly List<string> _problems;
    private readonly HashSet<string> _read = new(StringComparer.Ordinal);

    private ConfigFileObject(JsonElement element, string path, List<string> problems)
    {
        _element = element;
        Path = path;
        _problems = problems;
    }

    /// <summary>The JSON path of this object, e.g. "$.jurisdictions[0].rules[2]".</summary>
    public string Path { get; }

    /// <summary>
    /// Parses <paramref name="json"/> and hands its root object to <paramref name="read"/>, which
    /// adds every problem it finds to the list (and may return null when there are any); throws
    /// <see cref="ConfigurationFileException"/> with every problem found, if any.
    /// </summary>
    public static T Read<T>(string json, string source, Func<ConfigFileObject, List<string>, T?> read)
        where T : class
    {
        var problems = new List<string>();
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            throw new ConfigurationFileException(source,
                [$"$: not valid JSON at line {e.LineNumber + 1}, byte {e.BytePositionInLine + 1}: {FirstSentence(e.Message)}"]);
        }
        using (document)
        {
            var root = Of(document.RootElement, "$", problems);
            if (root is null)
            {
                throw new ConfigurationFileException(source, problems);
            }
            var result = read(root, problems);
            if (problems.Count > 0)
            {
                throw new ConfigurationFileException(source, problems);
            }
            return result ?? throw new InvalidOperationException($"Reading {source} found no problem but produced nothing.");
        }
    }

    /// <summary>The object at <paramref name="path"/>, or null (with a problem) when it is something else.</summary>
    public static ConfigFileObject? Of(JsonElement element, string path, List<string> problems)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            problems.Add($"{path}: must be an object, not {Describe(element)}");
            return null;
        }
        return new ConfigFileObject(element, path, problems);
    }

    /// <summary>The path of a property: dot notation for plain names, brackets otherwise (JSONPath).</summary>
    public string PathOf(string name) => Child(Path, name);

    public static string Child(string path, string name) =>
        PlainName().IsMatch(name) ? $"{path}.{name}" : $"{path}['{name.Replace("'", "\\'", StringComparison.Ordinal)}']";

    public void Problem(string name, string message) => _problems.Add($"{PathOf(name)}: {message}");

    public void Problem(string message) => _problems.Add($"{Path}: {message}");

    public bool Has(string name) => _element.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null;

    /// <summary>A non-blank string of at most <paramref name="maxLength"/> characters.</summary>
    public string? String(string name, bool required, int maxLength = 500)
    {
        if (!TryGet(name, required, "a string", out var value))
        {
            return null;
        }
        return StringValue(value, PathOf(name), _problems, maxLength);
    }

    /// <summary>A "YYYY-MM-DD" calendar date.</summary>
    public DateOnly? Date(string name, bool required)
    {
        if (!TryGet(name, required, "a date \"YYYY-MM-DD\"", out var value))
        {
            return null;
        }
        var text = StringValue(value, PathOf(name), _problems, maxLength: 10, what: "a date \"YYYY-MM-DD\"");
        if (text is null)
        {
            return null;
        }
        if (!DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            Problem(name, $"must be a date \"YYYY-MM-DD\"; got {Echo.Quote(text)}");
            return null;
        }
        return date;
    }

    public bool? Bool(string name, bool required)
    {
        if (!TryGet(name, required, "true or false", out var value))
        {
            return null;
        }
        if (value.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
        {
            Problem(name, $"must be true or false, not {Describe(value)}");
            return null;
        }
        return value.GetBoolean();
    }

    /// <summary>
    /// An exact non-negative decimal given as a string of digits with an optional fraction ("150",
    /// "1.0850"), at least <paramref name="min"/> (or above it when <paramref name="minExclusive"/>)
    /// and at most <paramref name="max"/>.
    /// </summary>
    public decimal? Decimal(string name, bool required, decimal min, decimal max, bool minExclusive = false)
    {
        if (!TryGet(name, required, "a decimal string", out var value))
        {
            return null;
        }
        return DecimalValue(value, PathOf(name), _problems, min, max, minExclusive);
    }

    /// <summary>A nested object, or null when absent (with a problem if required) or not an object.</summary>
    public ConfigFileObject? Object(string name, bool required)
    {
        if (!TryGet(name, required, "an object", out var value))
        {
            return null;
        }
        return Of(value, PathOf(name), _problems);
    }

    /// <summary>The elements of an array with their paths; empty (with a problem if required) when absent.</summary>
    public IReadOnlyList<(JsonElement Element, string Path)> Array(string name, bool required)
    {
        if (!TryGet(name, required, "an array", out var value))
        {
            return [];
        }
        if (value.ValueKind != JsonValueKind.Array)
        {
            Problem(name, $"must be an array, not {Describe(value)}");
            return [];
        }
        if (required && value.GetArrayLength() == 0)
        {
            Problem(name, "must not be empty");
        }
        var elements = new List<(JsonElement, string)>(value.GetArrayLength());
        var index = 0;
        foreach (var element in value.EnumerateArray())
        {
            elements.Add((element, $"{PathOf(name)}[{index++}]"));
        }
        return elements;
    }

    /// <summary>The objects of an array, each with its path; elements that are not objects are problems.</summary>
    public IReadOnlyList<ConfigFileObject> Objects(string name, bool required)
    {
        var objects = new List<ConfigFileObject>();
        foreach (var (element, path) in Array(name, required))
        {
            if (Of(element, path, _problems) is { } item)
            {
                objects.Add(item);
            }
        }
        return objects;
    }

    /// <summary>An array of non-blank strings with their paths.</summary>
    public IReadOnlyList<(string Text, string Path)> Strings(string name, bool required, int maxLength = 100)
    {
        var strings = new List<(string, string)>();
        foreach (var (element, path) in Array(name, required))
        {
            if (StringValue(element, path, _problems, maxLength) is { } text)
            {
                strings.Add((text, path));
            }
        }
        return strings;
    }

    /// <summary>The properties that are not comments, in file order, with their paths (the entries of a map).</summary>
    public IEnumerable<(string Name, JsonElement Value, string Path)> Properties()
    {
        foreach (var property in _element.EnumerateObject())
        {
            if (!property.Name.StartsWith('_'))
            {
                _read.Add(property.Name);
                yield return (property.Name, property.Value, PathOf(property.Name));
            }
        }
    }

    /// <summary>Reports the properties that were never read, and any property given twice.</summary>
    public void ReportUnknownProperties()
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var property in _element.EnumerateObject())
        {
            if (!seen.Add(property.Name))
            {
                Problem(property.Name, "is given more than once");
            }
            else if (!property.Name.StartsWith('_') && !_read.Contains(property.Name))
            {
                Problem(property.Name, "is not a known property here (comments go in properties starting with \"_\")");
            }
        }
    }

    /// <summary>A problem at any path, e.g. an element of an array read from this object.</summary>
    public void ProblemAt(string path, string message) => _problems.Add($"{path}: {message}");

    /// <summary>An element of an array read from this object, as an object (null, with a problem, if it is not one).</summary>
    public ConfigFileObject? ObjectAt(JsonElement element, string path) => Of(element, path, _problems);

    /// <summary>A whole number (a JSON number: weights and counts are never fractional) from <paramref name="min"/> to <paramref name="max"/>.</summary>
    public int? Int(string name, bool required, int min, int max)
    {
        if (!TryGet(name, required, "a whole number", out var value))
        {
            return null;
        }
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt32(out var number))
        {
            Problem(name, $"must be a whole number from {min} to {max}, not {Describe(value)}");
            return null;
        }
        if (number < min || number > max)
        {
            Problem(name, $"must be from {min} to {max}; got {number}");
            return null;
        }
        return number;
    }

    /// <summary>One of <paramref name="allowed"/>, by name (the names are listed in the problem).</summary>
    public T? OneOf<T>(string name, bool required, IReadOnlyDictionary<string, T> allowed)
        where T : struct
    {
        var text = String(name, required);
        if (text is null)
        {
            return null;
        }
        if (allowed.TryGetValue(text, out var value))
        {
            return value;
        }
        Problem(name, $"{Echo.Quote(text)} is not one of {string.Join(", ", allowed.Keys)}");
        return null;
    }

    /// <summary>The text of a string element, or null with a problem at <paramref name="path"/>.</summary>
    public static string? StringValue(JsonElement value, string path, List<string> problems, int maxLength, string what = "a string")
    {
        if (value.ValueKind != JsonValueKind.String)
        {
            problems.Add($"{path}: must be {what}, not {Describe(value)}");
            return null;
        }
        var text = value.GetString()!;
        if (string.IsNullOrWhiteSpace(text))
        {
            problems.Add($"{path}: must not be empty");
            return null;
        }
        if (text.Length > maxLength)
        {
            problems.Add($"{path}: must be at most {maxLength} characters; got {text.Length}");
            return null;
        }
        return text;
    }

    /// <summary>The decimal of a decimal-string element (see <see cref="Decimal"/>), or null with a problem.</summary>
    public static decimal? DecimalValue(JsonElement value, string path, List<string> problems, decimal min, decimal max, bool minExclusive = false)
    {
        var bounds = $"{(minExclusive ? "above" : "at least")} {Echo.Number(min)} and at most {Echo.Number(max)}";
        if (value.ValueKind != JsonValueKind.String)
        {
            var hint = value.ValueKind == JsonValueKind.Number ? $" (write it as the string \"{value.GetRawText()}\")" : "";
            problems.Add($"{path}: must be a decimal string, e.g. \"1.0850\", not {Describe(value)}{hint}");
            return null;
        }
        var text = value.GetString()!;
        if (!DecimalText().IsMatch(text)
            || !decimal.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number))
        {
            problems.Add($"{path}: must be digits with an optional decimal point, e.g. \"1.0850\"; got {Echo.Quote(text)}");
            return null;
        }
        if (number < min || (minExclusive && number == min) || number > max)
        {
            problems.Add($"{path}: must be {bounds}; got {text}");
            return null;
        }
        return number;
    }

    private bool TryGet(string name, bool required, string what, out JsonElement value)
    {
        _read.Add(name);
        if (_element.TryGetProperty(name, out value) && value.ValueKind != JsonValueKind.Null)
        {
            return true;
        }
        if (required)
        {
            Problem(name, $"is required ({what})");
        }
        return false;
    }

    private static string Describe(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => $"the string {Echo.Quote(element.GetString())}",
        JsonValueKind.Number => $"the number {element.GetRawText()}",
        JsonValueKind.True or JsonValueKind.False => element.GetRawText(),
        _ => "null",
    };

    private static string FirstSentence(string message)
    {
        var end = message.IndexOf(" Path:", StringComparison.Ordinal);
        return end > 0 ? message[..end] : message;
    }

    // At most 28 significant digits fit System.Decimal exactly; no sign, exponent or separators.
    [GeneratedRegex(@"^[0-9]{1,20}(\.[0-9]{1,12})?$")]
    private static partial Regex DecimalText();

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$")]
    private static partial Regex PlainName();
}
