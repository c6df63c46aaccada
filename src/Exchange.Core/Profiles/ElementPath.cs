using System.Globalization;
using Exchange.Contracts.Declaration.V1;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Timestamp = Google.Protobuf.WellKnownTypes.Timestamp;

namespace Exchange.Core.Profiles;

/// <summary>
/// Where a profile's element lives in a declaration: proto field names joined by dots, "[]" after a
/// repeated field to mean each of its entries, e.g. "items[].hs_code" or
/// "consignee.address.country_code". Resolved against the Declaration descriptor when a profile is
/// read, so a profile naming a field the contract does not have is refused at start-up.
/// </summary>
public sealed class ElementPath
{
    private readonly IReadOnlyList<(FieldDescriptor Field, bool Each)> _steps;

    private ElementPath(string text, IReadOnlyList<(FieldDescriptor, bool)> steps)
    {
        Text = text;
        _steps = steps;
    }

    /// <summary>The path as written in the profile.</summary>
    public string Text { get; }

    /// <summary>Resolves <paramref name="text"/> against Declaration, or says why it cannot.</summary>
    public static ElementPath? Parse(string text, out string? problem)
    {
        var steps = new List<(FieldDescriptor, bool)>();
        var message = Declaration.Descriptor;
        var segments = text.Split('.');
        for (var i = 0; i < segments.Length; i++)
        {
            var each = segments[i].EndsWith("[]", StringComparison.Ordinal);
            var name = each ? segments[i][..^2] : segments[i];
            if (message is null)
            {
                problem = $"{Quote(string.Join('.', segments[..i]))} is not a message, so it has no field {Quote(name)}";
                return null;
            }
            var field = message.FindFieldByName(name);
            if (field is null)
            {
                problem = $"{message.Name} has no field {Quote(name)}";
                return null;
            }
            if (each != field.IsRepeated)
            {
                problem = each
                    ? $"{message.Name}.{name} is not repeated: write it without []"
                    : $"{message.Name}.{name} is repeated: write {name}[] to take each of its entries";
                return null;
            }
            steps.Add((field, each));
            message = field.FieldType == FieldType.Message && !IsValueType(field.MessageType) ? field.MessageType : null;
        }
        problem = null;
        return new ElementPath(text, steps);
    }

    /// <summary>Whether the path ends at text: a string field, or each entry of a repeated one.</summary>
    public bool EndsAtText => _steps[^1].Field.FieldType == FieldType.String;

    /// <summary>Whether the path ends at a money value (google.type.Money), whose code is its currency.</summary>
    public bool EndsAtMoney => _steps[^1].Field is { FieldType: FieldType.Message } last && last.MessageType.FullName == "google.type.Money";

    /// <summary>
    /// The code in a value this path gives (<see cref="ValuesIn"/>), as a code list checks it: a
    /// money value's currency code ("EUR" of "EUR 12.50"), otherwise the value itself.
    /// </summary>
    public string CodeIn(string value)
    {
        if (!EndsAtMoney)
        {
            return value;
        }
        var space = value.IndexOf(' ', StringComparison.Ordinal);
        return space < 0 ? value : value[..space];
    }

    /// <summary>
    /// The values at this path in <paramref name="declaration"/>, each with its concrete field path
    /// (indexes filled in, e.g. "items[1].hs_code") and its value as text; null where the field is
    /// unset or empty. An empty repeated field gives one entry with the index left out.
    /// </summary>
    public IReadOnlyList<(string Path, string? Value)> ValuesIn(Declaration declaration)
    {
        var found = new List<(string, string?)>();
        Walk(declaration, 0, "", found);
        return found;
    }

    private void Walk(IMessage? message, int step, string prefix, List<(string, string?)> found)
    {
        var (field, each) = _steps[step];
        var path = prefix.Length == 0 ? field.Name : $"{prefix}.{field.Name}";
        var last = step == _steps.Count - 1;
        if (message is null)
        {
            found.Add((path + (each ? "[]" : "") + Rest(step), null));
            return;
        }

        var value = field.Accessor.GetValue(message);
        if (each)
        {
            var list = ((System.Collections.IList)value).Cast<object>().ToList();
            if (list.Count == 0)
            {
                found.Add((path + "[]" + Rest(step), null));
            }
            for (var i = 0; i < list.Count; i++)
            {
                Visit(list[i], step, last, $"{path}[{i}]", found);
            }
            return;
        }

        var present = field.FieldType != FieldType.Message || (field.HasPresence ? field.Accessor.HasValue(message) : value is not null);
        Visit(present ? value : null, step, last, path, found);
    }

    private void Visit(object? value, int step, bool last, string path, List<(string, string?)> found)
    {
        if (last)
        {
            found.Add((path, ValueText(value)));
        }
        else
        {
            Walk(value as IMessage, step + 1, path, found);
        }
    }

    private string Rest(int step) => string.Concat(_steps.Skip(step + 1).Select(s => "." + s.Field.Name + (s.Each ? "[]" : "")));

    /// <summary>A value as a data set shows it: strings as they are, enums by name, money as "EUR 12.50", decimals and times exactly.</summary>
    private static string? ValueText(object? value) => value switch
    {
        null => null,
        string s => s.Length == 0 ? null : s,
        System.Enum e => Convert.ToInt32(e, CultureInfo.InvariantCulture) == 0 ? null : OriginalName(e),
        Google.Type.Money m => Validation.MoneyValues.TryToDecimal(m, out var amount) ? $"{m.CurrencyCode} {amount.ToString(CultureInfo.InvariantCulture)}" : null,
        Google.Type.Decimal d => d.Value.Length == 0 ? null : d.Value,
        Timestamp t => t.ToDateTimeOffset().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
        bool b => b ? "true" : null,
        int or long => Convert.ToInt64(value, CultureInfo.InvariantCulture) == 0 ? null : Convert.ToString(value, CultureInfo.InvariantCulture),
        IMessage message => message.CalculateSize() == 0 ? null : "(given)",
        _ => Convert.ToString(value, CultureInfo.InvariantCulture),
    };

    private static string OriginalName(System.Enum value)
    {
        var member = value.GetType().GetField(value.ToString());
        return member?.GetCustomAttributes(typeof(OriginalNameAttribute), false).OfType<OriginalNameAttribute>().FirstOrDefault()?.Name ?? value.ToString();
    }

    // Money, Decimal and Timestamp are values, not groups of fields: a path ends at them.
    private static bool IsValueType(MessageDescriptor type) =>
        type.FullName is "google.type.Money" or "google.type.Decimal" or "google.protobuf.Timestamp";

    private static string Quote(string text) => $"\"{text}\"";
}
