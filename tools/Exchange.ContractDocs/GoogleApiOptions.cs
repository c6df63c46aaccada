using Google.Protobuf.Reflection;

namespace Exchange.ContractDocs;

/// <summary>A resource type and its name patterns (google.api.resource, AIP-123).</summary>
internal sealed record ResourceType(string Type, IReadOnlyList<string> Patterns);

/// <summary>A field naming a resource (google.api.resource_reference): its type, or the type of its children.</summary>
internal sealed record ResourceReference(string Type, bool IsParent);

/// <summary>The HTTP/JSON binding of an RPC (google.api.http): verb, path template and body.</summary>
internal sealed record HttpBinding(string Verb, string Path, string Body);

/// <summary>
/// The google.api options of the contract, read by field number from
/// google/api/field_behavior.proto, resource.proto and annotations.proto.
/// </summary>
internal static class GoogleApiOptions
{
    private const int FieldBehaviorField = 1052;    // google.protobuf.FieldOptions
    private const int ResourceField = 1053;         // google.protobuf.MessageOptions
    private const int ResourceReferenceField = 1055; // google.protobuf.FieldOptions
    private const int HttpField = 72295728;         // google.protobuf.MethodOptions

    // google.api.HttpRule: the oneof pattern (get, put, post, delete, patch) and body.
    private static readonly (int Field, string Verb)[] HttpVerbs = [(2, "GET"), (3, "PUT"), (4, "POST"), (5, "DELETE"), (6, "PATCH")];
    private const int HttpBody = 7;

    // exchange/annotations/v1/launch_stage.proto: the same number on every kind of options.
    private const int LaunchStageField = 51001;

    // google.api.LaunchStage (google/api/launch_stage.proto).
    private static readonly Dictionary<ulong, string> LaunchStages = new()
    {
        [1] = "EARLY_ACCESS", [2] = "ALPHA", [3] = "BETA", [4] = "GA", [5] = "DEPRECATED", [6] = "UNIMPLEMENTED", [7] = "PRELAUNCH",
    };

    /// <summary>
    /// The launch stage an element is marked with (exchange.annotations.v1), e.g. "BETA"; null when
    /// unmarked, which means GA within its stable package.
    /// </summary>
    public static string? LaunchStage(Google.Protobuf.IMessage? options) =>
        WireFields.Varints(WireFields.Of(options), LaunchStageField) is { Count: > 0 } stages
            ? LaunchStages.GetValueOrDefault(stages[^1], stages[^1].ToString(System.Globalization.CultureInfo.InvariantCulture))
            : null;

    /// <summary>The google.api.FieldBehavior values of a field, in the order written.</summary>
    public static IReadOnlyList<int> FieldBehaviors(FieldOptions? options) =>
        WireFields.Varints(WireFields.Of(options), FieldBehaviorField).Select(v => (int)v).ToList();

    public static ResourceType? Resource(MessageOptions? options)
    {
        var resource = WireFields.Message(WireFields.Of(options), ResourceField);
        return resource is null
            ? null
            : new ResourceType(WireFields.Last(WireFields.Strings(resource, 1)) ?? "", WireFields.Strings(resource, 2));
    }

    public static ResourceReference? Reference(FieldOptions? options)
    {
        var reference = WireFields.Message(WireFields.Of(options), ResourceReferenceField);
        if (reference is null)
        {
            return null;
        }
        var type = WireFields.Last(WireFields.Strings(reference, 1));
        return type is not null
            ? new ResourceReference(type, IsParent: false)
            : new ResourceReference(WireFields.Last(WireFields.Strings(reference, 2)) ?? "", IsParent: true);
    }

    public static HttpBinding? Http(MethodOptions? options)
    {
        var rule = WireFields.Message(WireFields.Of(options), HttpField);
        if (rule is null)
        {
            return null;
        }
        foreach (var (field, verb) in HttpVerbs)
        {
            var path = WireFields.Last(WireFields.Strings(rule, field));
            if (path is not null)
            {
                return new HttpBinding(verb, path, WireFields.Last(WireFields.Strings(rule, HttpBody)) ?? "");
            }
        }
        return null;
    }
}
