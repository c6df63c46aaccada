using System.Reflection;
using System.Text.RegularExpressions;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Google.Rpc;
using Grpc.Core;

namespace Exchange.Conformance.Assertions;

/// <summary>Renders errors and values the way the contract spells them, for failure reasons a vendor can act on.</summary>
public static partial class RpcErrorText
{
    private const int MaxValueLength = 120;

    /// <summary>INVALID_ARGUMENT for <see cref="StatusCode.InvalidArgument"/>, as gRPC documents its codes.</summary>
    public static string CodeName(StatusCode code) => CamelHump().Replace(code.ToString(), "_").ToUpperInvariant();

    /// <summary>e.g. <c>INVALID_ARGUMENT "LRN too long" [VALIDATION_FAILED; violations: declaration.items[0].hs_code]</c>.</summary>
    public static string Describe(RpcException error)
    {
        var text = $"{CodeName(error.StatusCode)} {Quote(error.Status.Detail)}";
        Google.Rpc.Status? status = null;
        try
        {
            status = error.GetRpcStatus();
        }
        catch (InvalidProtocolBufferException)
        {
            return text + " [undecodable grpc-status-details-bin]";
        }
        return status is null ? text : $"{text} {DescribeDetails(status)}";
    }

    /// <summary>The error details of a status: its ErrorInfo reasons and BadRequest field paths.</summary>
    public static string DescribeDetails(Google.Rpc.Status status)
    {
        var parts = new List<string>();
        foreach (var detail in status.Details)
        {
            if (detail.TryUnpack<ErrorInfo>(out var info))
            {
                parts.Add($"{info.Reason} ({info.Domain})");
            }
            else if (detail.TryUnpack<BadRequest>(out var badRequest))
            {
                parts.Add("violations: " + string.Join(", ", badRequest.FieldViolations.Select(v => v.Field)));
            }
            else
            {
                parts.Add(detail.TypeUrl);
            }
        }
        return parts.Count == 0 ? "[no details]" : $"[{string.Join("; ", parts)}]";
    }

    /// <summary>A value as the contract writes it: enum values by their proto name, messages as JSON, long text cut.</summary>
    public static string Show(object? value)
    {
        var text = value switch
        {
            null => "(none)",
            string s => Quote(s),
            Enum e => ProtoName(e),
            IMessage message => JsonFormatter.Default.Format(message),
            _ => value.ToString() ?? "",
        };
        return text.Length <= MaxValueLength ? text : text[..MaxValueLength] + "...";
    }

    /// <summary>DECLARATION_STATUS_ACCEPTED for DeclarationStatus.Accepted.</summary>
    public static string ProtoName(Enum value) =>
        value.GetType().GetField(value.ToString())?.GetCustomAttribute<OriginalNameAttribute>()?.Name ?? value.ToString();

    private static string Quote(string text) =>
        "\"" + (text.Length <= MaxValueLength ? text : text[..MaxValueLength] + "...") + "\"";

    [GeneratedRegex("(?<=[a-z])(?=[A-Z])")]
    private static partial Regex CamelHump();
}
