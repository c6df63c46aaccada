using System.Collections;
using System.ComponentModel;
using System.Globalization;
using System.Reflection;
using Microsoft.Extensions.Configuration.CommandLine;
using Microsoft.Extensions.Configuration.EnvironmentVariables;
using Microsoft.Extensions.Configuration.Json;

namespace Exchange.Server.Hosting;

/// <summary>
/// Checks the "Exchange" section before the node is built: every key must be a property of
/// <see cref="ExchangeOptions"/> (read by reflection, so a new option is known as soon as it is
/// declared) and every value must convert to that property's type. The binder itself ignores an
/// unknown key, so a misspelt setting (Exchange:Storage:Provider) would leave the default in
/// force without a word.
/// </summary>
public static class SettingsCheck
{
    /// <summary>
    /// Sections under "Exchange" bound to their own options type by their registration, not as
    /// properties of <see cref="ExchangeOptions"/>: checked against that type.
    /// </summary>
    private static readonly Dictionary<string, Type> SeparatelyBound = new(StringComparer.OrdinalIgnoreCase)
    {
        [ReportingRegistration.Section[(ExchangeOptions.Section.Length + 1)..]] = typeof(Exchange.Core.Reporting.ReportingOptions),
        [EnforcementRegistration.DispositionSection[(ExchangeOptions.Section.Length + 1)..]] = typeof(Exchange.Core.Enforcement.DispositionOptions),
        [ObservabilityRegistration.Section[(ExchangeOptions.Section.Length + 1)..]] = typeof(TelemetrySettings),
    };

    /// <summary>Throws a <see cref="SettingsException"/> naming the first unknown key (and the nearest known one) or unconvertible value.</summary>
    public static void Check(IConfiguration configuration)
    {
        foreach (var child in configuration.GetSection(ExchangeOptions.Section).GetChildren())
        {
            if (SeparatelyBound.TryGetValue(child.Key, out var type))
            {
                CheckValue(configuration, child, type, TryCreate(type));
            }
            else if (Property(typeof(ExchangeOptions), child.Key) is { } property)
            {
                CheckValue(configuration, child, property.PropertyType, property.GetValue(new ExchangeOptions()));
            }
            else
            {
                throw Unknown(configuration, child, KnownKeys());
            }
        }
    }

    /// <summary>Every settable key under "Exchange", e.g. "Exchange:Store:Provider"; a dictionary's or list's own keys are free.</summary>
    public static IReadOnlyList<string> KnownKeys()
    {
        var keys = new List<string>();
        CollectKeys(ExchangeOptions.Section, typeof(ExchangeOptions), keys);
        foreach (var (section, type) in SeparatelyBound)
        {
            CollectKeys($"{ExchangeOptions.Section}:{section}", type, keys);
        }
        return keys;
    }

    private static void CheckSection(IConfiguration root, IConfigurationSection section, Type type, object? defaults)
    {
        foreach (var child in section.GetChildren())
        {
            var property = Property(type, child.Key);
            if (property is null)
            {
                var siblings = new List<string>();
                CollectKeys(section.Path, type, siblings);
                throw Unknown(root, child, siblings);
            }
            CheckValue(root, child, property.PropertyType, defaults is null ? null : property.GetValue(defaults));
        }
    }

    private static void CheckValue(IConfiguration root, IConfigurationSection section, Type type, object? defaults)
    {
        var underlying = Nullable.GetUnderlyingType(type) ?? type;
        if (IsLeaf(underlying))
        {
            if (section.Value is { } value && !Converts(value, underlying))
            {
                throw BadValue(root, section, underlying, defaults);
            }
            return;
        }
        if (DictionaryValueType(underlying) is { } valueType)
        {
            foreach (var entry in section.GetChildren())
            {
                CheckValue(root, entry, valueType, null);
            }
            return;
        }
        if (ElementType(underlying) is { } elementType)
        {
            foreach (var element in section.GetChildren())
            {
                CheckValue(root, element, elementType, null);
            }
            return;
        }
        CheckSection(root, section, underlying, defaults ?? TryCreate(underlying));
    }

    private static void CollectKeys(string prefix, Type type, List<string> keys)
    {
        foreach (var property in Settable(type))
        {
            var key = $"{prefix}:{property.Name}";
            var propertyType = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
            if (IsLeaf(propertyType) || DictionaryValueType(propertyType) is not null || ElementType(propertyType) is not null)
            {
                keys.Add(key);
            }
            else
            {
                CollectKeys(key, propertyType, keys);
            }
        }
    }

    /// <param name="root">The whole configuration, to name the file or variable that set the unknown key.</param>
    /// <param name="unknown">The setting no options class knows.</param>
    /// <param name="candidates">The known keys where <paramref name="unknown"/> was found, one of which was probably meant.</param>
    private static SettingsException Unknown(IConfiguration root, IConfigurationSection unknown, IReadOnlyList<string> candidates)
    {
        // Name the key as it was written, down to its value (Exchange:Storage:Provider, not Exchange:Storage).
        var written = FirstLeaf(unknown);
        var hint = candidates.MinBy(known => Distance(known, written.Path)) is { } nearest ? $"did you mean {nearest}?" : "remove it.";
        return new SettingsException(
            $"Unknown setting {written.Path} ({Source(root, written.Path)}): {hint} "
            + "Settings under Exchange: are the properties of ExchangeOptions (src/Exchange.Server/Hosting/ExchangeOptions.cs, defaults in appsettings.json).");
    }

    private static SettingsException BadValue(IConfiguration root, IConfigurationSection section, Type type, object? defaults)
    {
        var example = defaults is null ? "" : $", e.g. {section.Path}={Format(defaults)}";
        var expected = type.IsEnum ? $"one of {string.Join(", ", Enum.GetNames(type))}" : $"a {Describe(type)}";
        return new SettingsException(
            $"Setting {section.Path} has the value '{section.Value}' ({Source(root, section.Path)}), which is not {expected}; give {expected}{example}.");
    }

    private static IConfigurationSection FirstLeaf(IConfigurationSection section) =>
        section.GetChildren().FirstOrDefault() is { } child ? FirstLeaf(child) : section;

    /// <summary>Which configuration source set <paramref name="key"/> (the last one that has it wins, as in binding).</summary>
    private static string Source(IConfiguration root, string key)
    {
        var provider = (root as IConfigurationRoot)?.Providers.LastOrDefault(p => p.TryGet(key, out _));
        return provider switch
        {
            CommandLineConfigurationProvider => $"command line --{key}",
            EnvironmentVariablesConfigurationProvider => $"environment variable {key.Replace(":", "__", StringComparison.Ordinal)}",
            JsonConfigurationProvider json => $"file {json.Source.Path}",
            null => "configuration",
            _ => provider.ToString() ?? "configuration",
        };
    }

    private static PropertyInfo? Property(Type type, string key) =>
        Settable(type).FirstOrDefault(p => string.Equals(p.Name, key, StringComparison.OrdinalIgnoreCase));

    /// <summary>What the configuration binder binds: public instance properties it can set, or fill in place (collections).</summary>
    private static IEnumerable<PropertyInfo> Settable(Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.GetIndexParameters().Length == 0 && (p.SetMethod?.IsPublic == true || p.GetMethod?.IsPublic == true && !IsLeaf(p.PropertyType)));

    private static bool IsLeaf(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        return type.IsPrimitive || type.IsEnum || type == typeof(string) || type == typeof(decimal) || type == typeof(TimeSpan)
            || type == typeof(DateTime) || type == typeof(DateTimeOffset) || type == typeof(Uri) || type == typeof(Guid);
    }

    private static Type? DictionaryValueType(Type type) =>
        type.IsGenericType && type.GetGenericArguments() is [var key, var value]
            && key == typeof(string) && typeof(IEnumerable).IsAssignableFrom(type) ? value : null;

    private static Type? ElementType(Type type) =>
        type.IsArray ? type.GetElementType()
        : type != typeof(string) && type.IsGenericType && type.GetGenericArguments() is [var element] && typeof(IEnumerable).IsAssignableFrom(type) ? element
        : null;

    private static bool Converts(string value, Type type)
    {
        try
        {
            TypeDescriptor.GetConverter(type).ConvertFromInvariantString(value);
            return true;
        }
        catch (Exception error) when (error is FormatException or ArgumentException or NotSupportedException or OverflowException
            || error.InnerException is FormatException or OverflowException)
        {
            return false;
        }
    }

    private static string Describe(Type type) => type switch
    {
        _ when type == typeof(bool) => "boolean (true or false)",
        _ when type == typeof(int) || type == typeof(long) || type == typeof(short) => "whole number",
        _ when type == typeof(double) || type == typeof(decimal) || type == typeof(float) => "number",
        _ when type == typeof(TimeSpan) => "duration ([d.]hh:mm:ss)",
        _ => type.Name,
    };

    private static string Format(object value) => value switch
    {
        bool flag => flag ? "true" : "false",
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    private static object? TryCreate(Type type) =>
        type.GetConstructor(Type.EmptyTypes) is not null ? Activator.CreateInstance(type) : null;

    /// <summary>Levenshtein distance, ignoring case (configuration keys are case-insensitive).</summary>
    private static int Distance(string a, string b)
    {
        a = a.ToUpperInvariant();
        b = b.ToUpperInvariant();
        var previous = Enumerable.Range(0, b.Length + 1).ToArray();
        for (var i = 1; i <= a.Length; i++)
        {
            var current = new int[b.Length + 1];
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            }
            previous = current;
        }
        return previous[b.Length];
    }
}

/// <summary>A setting the node cannot start with; its message is the whole report: what, where, how to fix, on one line.</summary>
public sealed class SettingsException(string message) : Exception(message);
