using System.Text.Json;
using Exchange.Contracts.Declaration.V1;
using Exchange.Server.Grpc;
using Google.Protobuf.Reflection;
using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Microsoft.AspNetCore.Grpc.JsonTranscoding;
using Status = Google.Rpc.Status;

namespace Exchange.Server.Http;

/// <summary>
/// Refuses JSON requests that carry fields the contract does not define, in the body or as query
/// parameters: gRPC JSON transcoding would drop them silently (it has no setting to refuse them),
/// so a misspelt field ("remark" for "remarks", "requestID") would be stored as if never sent.
/// The answer is INVALID_ARGUMENT with VALIDATION_FAILED and a BadRequest naming every unknown
/// field by path, as the validation of known fields answers. Field names are matched as the JSON
/// mapping reads them: the lowerCamelCase JSON name or the proto name.
/// </summary>
public static class JsonFieldChecks
{
    public static IApplicationBuilder UseExchangeJsonFieldChecks(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        if (context.GetEndpoint()?.Metadata.GetMetadata<GrpcJsonTranscodingMetadata>() is { } transcoding)
        {
            var unknown = UnknownQueryParameters(context.Request.Query.Keys, transcoding.MethodDescriptor.InputType).ToList();
            unknown.AddRange(await UnknownBodyFieldsAsync(context.Request, transcoding));
            if (unknown.Count > 0)
            {
                await HttpErrorResponses.WriteAsync(context, StatusCodes.Status400BadRequest, Refusal(unknown));
                return;
            }
        }
        await next(context);
    });

    /// <summary>Query parameters are field paths of the request message ("page_size", "pageSize", "filter.status").</summary>
    public static IEnumerable<string> UnknownQueryParameters(IEnumerable<string> keys, MessageDescriptor request) =>
        keys.Where(key => !IsFieldPath(request, key.Split('.')));

    /// <summary>Every member of <paramref name="json"/> that no field of <paramref name="message"/> reads, by path under <paramref name="path"/>.</summary>
    public static IEnumerable<string> UnknownFields(JsonElement json, MessageDescriptor message, string path)
    {
        if (json.ValueKind != JsonValueKind.Object || HasOwnJsonForm(message))
        {
            yield break;
        }
        foreach (var member in json.EnumerateObject())
        {
            var field = FieldNamed(message, member.Name);
            if (field is null)
            {
                yield return Join(path, member.Name);
                continue;
            }
            if (field.FieldType != FieldType.Message)
            {
                continue;
            }
            var fieldPath = Join(path, field.Name);
            var inner = field.IsMap ? field.MessageType.FindFieldByNumber(2) : null;
            if (field.IsMap && inner!.FieldType == FieldType.Message && member.Value.ValueKind == JsonValueKind.Object)
            {
                foreach (var entry in member.Value.EnumerateObject())
                {
                    foreach (var found in UnknownFields(entry.Value, inner.MessageType, $"{fieldPath}[{entry.Name}]"))
                    {
                        yield return found;
                    }
                }
            }
            else if (field.IsRepeated && !field.IsMap && member.Value.ValueKind == JsonValueKind.Array)
            {
                var index = 0;
                foreach (var item in member.Value.EnumerateArray())
                {
                    foreach (var found in UnknownFields(item, field.MessageType, $"{fieldPath}[{index}]"))
                    {
                        yield return found;
                    }
                    index++;
                }
            }
            else if (!field.IsRepeated)
            {
                foreach (var found in UnknownFields(member.Value, field.MessageType, fieldPath))
                {
                    yield return found;
                }
            }
        }
    }

    private static async Task<IReadOnlyList<string>> UnknownBodyFieldsAsync(Microsoft.AspNetCore.Http.HttpRequest request, GrpcJsonTranscodingMetadata transcoding)
    {
        var rule = transcoding.HttpRule;
        if (string.IsNullOrEmpty(rule.Body) || request.ContentLength == 0
            || request.ContentType?.Contains("json", StringComparison.OrdinalIgnoreCase) != true)
        {
            return [];
        }
        var input = transcoding.MethodDescriptor.InputType;
        var (message, path) = rule.Body == "*" ? (input, "") : (input.FindFieldByName(rule.Body)?.MessageType, rule.Body);
        if (message is null)
        {
            return [];
        }
        // Read once more by the transcoder: keep the body.
        request.EnableBuffering();
        try
        {
            using var document = await JsonDocument.ParseAsync(request.Body, cancellationToken: request.HttpContext.RequestAborted);
            return UnknownFields(document.RootElement, message, path).ToList();
        }
        catch (JsonException)
        {
            return []; // not JSON at all: the transcoder refuses it with its own INVALID_ARGUMENT
        }
        finally
        {
            request.Body.Position = 0;
        }
    }

    private static Status Refusal(IReadOnlyList<string> unknown)
    {
        var badRequest = new BadRequest();
        badRequest.FieldViolations.AddRange(unknown.Select(field => new BadRequest.Types.FieldViolation
        {
            Field = field,
            Description = "Unknown field: the contract defines no such field here (misspelt, or from another version?).",
        }));
        return new Status
        {
            Code = (int)Code.InvalidArgument,
            Message = $"The request has {unknown.Count} field(s) the contract does not define: {string.Join(", ", unknown)}.",
            Details =
            {
                Any.Pack(new ErrorInfo { Reason = ErrorStatuses.ReasonName(ErrorReason.ValidationFailed), Domain = ErrorStatuses.Domain }),
                Any.Pack(badRequest),
            },
        };
    }

    private static bool IsFieldPath(MessageDescriptor message, IReadOnlyList<string> path)
    {
        var current = message;
        for (var i = 0; i < path.Count; i++)
        {
            var field = current is null ? null : FieldNamed(current, path[i]);
            if (field is null)
            {
                return false;
            }
            current = field.FieldType == FieldType.Message ? field.MessageType : null;
        }
        return true;
    }

    private static FieldDescriptor? FieldNamed(MessageDescriptor message, string name) =>
        message.FindFieldByName(name) ?? message.Fields.InDeclarationOrder().FirstOrDefault(f => f.JsonName == name);

    /// <summary>Well-known types (Timestamp, Duration, Struct, Any, wrappers...) have JSON forms of their own, not objects of fields.</summary>
    private static bool HasOwnJsonForm(MessageDescriptor message) => message.File.Package == "google.protobuf";

    private static string Join(string path, string name) => path.Length == 0 ? name : path + "." + name;
}
