using Exchange.Contracts.Declaration.V1;
using Google.Protobuf;
using Google.Protobuf.Reflection;

namespace Exchange.Core.Partners;

/// <summary>
/// Field paths in a Declaration, as a data-sharing agreement names the personal data it withholds:
/// proto field names joined by dots, e.g. <c>consignee.contact</c> or <c>items.description</c>
/// (a path through a repeated field applies to every element).
/// </summary>
public static class DeclarationPaths
{
    /// <summary>What no agreement may withhold: the declaration's identity and routing, without which the copy is useless.</summary>
    private static readonly HashSet<string> Essential =
    [
        "name", "customs_reference", "status", "revision", "etag", "create_time", "update_time",
        "transport", "transport.destination_country_code", "items", "local_reference_number",
    ];

    /// <summary>Why the path cannot be withheld, or null when it can.</summary>
    public static string? Problem(string path)
    {
        if (Essential.Contains(path))
        {
            return "is essential to the shared declaration and cannot be withheld.";
        }
        var descriptor = Declaration.Descriptor;
        var segments = path.Split('.');
        for (var i = 0; i < segments.Length; i++)
        {
            var field = descriptor.FindFieldByName(segments[i]);
            if (field is null)
            {
                return $"'{segments[i]}' is not a field of {descriptor.Name}.";
            }
            if (i < segments.Length - 1)
            {
                if (field.FieldType != FieldType.Message || field.IsMap)
                {
                    return $"'{segments[i]}' is not a message, so nothing is under it.";
                }
                descriptor = field.MessageType;
            }
        }
        return null;
    }

    /// <summary>Clears the field at <paramref name="path"/> (a valid path, see <see cref="Problem"/>) wherever it occurs.</summary>
    public static void Clear(IMessage message, string path) => Clear(message, path.Split('.'), 0);

    private static void Clear(IMessage message, string[] segments, int index)
    {
        var field = message.Descriptor.FindFieldByName(segments[index]);
        if (index == segments.Length - 1)
        {
            field.Accessor.Clear(message);
            return;
        }
        if (field.IsRepeated)
        {
            foreach (var element in (System.Collections.IList)field.Accessor.GetValue(message))
            {
                Clear((IMessage)element, segments, index + 1);
            }
        }
        else if (field.Accessor.GetValue(message) is IMessage inner)
        {
            Clear(inner, segments, index + 1);
        }
    }
}
