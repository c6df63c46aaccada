using System.Globalization;
using System.Text;
using Google.Protobuf.Reflection;
using static Exchange.ContractDocs.Markdown;

namespace Exchange.ContractDocs;

/// <summary>
/// Writes the contract reference (Markdown) from a buf image of protos/ built with source info.
/// The output depends only on the image: no timestamps, a stable order, "\n" line endings.
/// </summary>
public static class ReferenceGenerator
{
    /// <summary>The file name of the mapping table, written beside the reference.</summary>
    public const string MappingTableFileName = "standards-mapping.csv";

    public static FileDescriptorSet ReadImage(string path) => FileDescriptorSet.Parser.ParseFrom(File.ReadAllBytes(path));

    /// <summary>docs/contract/standards-mapping.csv: one row per standards mapping claim of the contract.</summary>
    public static string GenerateMappingTable(FileDescriptorSet image) => StandardsMapping.Csv(new Contract(image));

    public static string Generate(FileDescriptorSet image)
    {
        var contract = new Contract(image);
        var output = new StringBuilder();
        void Line(string text = "") => output.Append(text).Append('\n');

        WriteIntroduction(Line);
        WriteContents(contract, Line);
        foreach (var package in contract.Packages)
        {
            WritePackage(contract, package, Line);
        }
        StandardsMapping.Write(contract, Line);
        return output.ToString().TrimEnd('\n') + "\n";
    }

    private static void WriteIntroduction(Action<string> line)
    {
        line("# Exchange contract reference");
        line("");
        line("<!-- Generated from protos/exchange by ./scripts/generate-contract-docs. Do not edit by hand. -->");
        line("");
        line("The Exchange contract is the gRPC interface (with an HTTP/JSON mapping) through which filers " +
             "(postal operators, express carriers, marketplaces and customs brokers) lodge, follow, amend and cancel " +
             "the advance electronic data of low-value cross-border e-commerce consignments at the node of the " +
             "customs administration of destination. This reference lists every service, RPC, message, field and enum " +
             "of the contract with the comments of the `.proto` files, which are the normative text, and ends with " +
             "the fields that map to each source standard.");
        line("");
        line("**Stability.** A package whose name ends in a major version (`v1`) is stable: within that version no " +
             "field, enum value, message, service or RPC is removed, renamed, renumbered or retyped (JSON names are as " +
             "fixed as numbers), changes are additions only, and a field's meaning, unit and constraints never change; " +
             "anything incompatible goes into a new major version served beside the old one. `buf breaking` enforces " +
             "this against the released image. See " +
             "[The contract and its stability promise](../../README.md#the-contract-and-its-stability-promise).");
        line("");
        line("**Launch stage.** An element marked `BETA` (option `exchange.annotations.v1.*_launch_stage`, values of " +
             "`google.api.LaunchStage`) is new and may still change or be withdrawn before it becomes GA: a working group " +
             "reviews it, and the conformance kit and the three sample clients exercise it first. Unmarked elements are GA.");
        line("");
        line("**Field behavior** is the `google.api.field_behavior` of each field (AIP-203): `REQUIRED` must be set, " +
             "`OPTIONAL` may be left empty, `OUTPUT_ONLY` is set by the server and ignored in requests, `IDENTIFIER` " +
             "is the resource name.");
        line("");
    }

    private static void WriteContents(Contract contract, Action<string> line)
    {
        line("## Contents");
        line("");
        foreach (var package in contract.Packages)
        {
            line($"- {Link($"Package {Code(package.Name)}", package.Name)}");
            WriteContentsGroup(line, "Services", package.Name + "-services", package.Services.Select(s => (package.Relative(s.FullName), s.FullName)));
            WriteContentsGroup(line, "Messages", package.Name + "-messages", package.Messages.Select(m => (package.Relative(m.FullName), m.FullName)));
            WriteContentsGroup(line, "Enums", package.Name + "-enums", package.Enums.Select(e => (package.Relative(e.FullName), e.FullName)));
        }
        line($"- {Link("Mapping to source standards", StandardsMapping.Anchor)}");
        line("");
    }

    private static void WriteContentsGroup(Action<string> line, string title, string anchor, IEnumerable<(string Name, string Anchor)> items)
    {
        var list = items.ToList();
        if (list.Count == 0)
        {
            return;
        }
        line($"  - {Link(title, anchor)}");
        foreach (var (name, itemAnchor) in list)
        {
            line($"    - {Link(Code(name), itemAnchor)}");
        }
    }

    private static void WritePackage(Contract contract, PackageDoc package, Action<string> line)
    {
        line(Heading(2, $"Package {Code(package.Name)}", package.Name));
        line("");
        line("### Files");
        line("");
        foreach (var file in package.Files)
        {
            line($"#### {Code(file.Name)}");
            line("");
            WriteComment(file.Comment, line);
        }
        if (package.Services.Count > 0)
        {
            line(Heading(3, "Services", package.Name + "-services"));
            line("");
            foreach (var service in package.Services)
            {
                WriteService(contract, package, service, line);
            }
        }
        if (package.Messages.Count > 0)
        {
            line(Heading(3, "Messages", package.Name + "-messages"));
            line("");
            foreach (var message in package.Messages)
            {
                WriteMessage(contract, package, message, line);
            }
        }
        if (package.Enums.Count > 0)
        {
            line(Heading(3, "Enums", package.Name + "-enums"));
            line("");
            foreach (var @enum in package.Enums)
            {
                WriteEnum(package, @enum, line);
            }
        }
    }

    private static void WriteService(Contract contract, PackageDoc package, ServiceDoc service, Action<string> line)
    {
        line(Heading(4, package.Relative(service.FullName), service.FullName));
        line("");
        WriteLaunchStage(service.Proto.Options, line);
        WriteComment(service.Comment, line);
        line("| RPC | Request | Response |");
        line("|---|---|---|");
        foreach (var method in service.Methods)
        {
            line($"| {Link(Code(method.Proto.Name), method.FullName)} | {Request(contract, package, method)} | {Response(contract, package, method)} |");
        }
        line("");
        foreach (var method in service.Methods)
        {
            line(Heading(5, $"{package.Relative(service.FullName)}.{method.Proto.Name}", method.FullName));
            line("");
            line($"{Request(contract, package, method)} → {Response(contract, package, method)} ({Streaming(method.Proto)})");
            line("");
            WriteLaunchStage(method.Proto.Options, line);
            var http = GoogleApiOptions.Http(method.Proto.Options);
            line(http is null
                ? "HTTP/JSON: none (gRPC only)."
                : $"HTTP/JSON: {Code($"{http.Verb} {http.Path}")}" + (http.Body.Length > 0 ? $", body {Code(http.Body)}." : "."));
            line("");
            WriteComment(method.Comment, line);
        }
    }

    private static string Request(Contract contract, PackageDoc package, MethodDoc method) =>
        (method.Proto.ClientStreaming ? "stream " : "") + TypeLink(contract, package, method.Proto.InputType);

    private static string Response(Contract contract, PackageDoc package, MethodDoc method) =>
        (method.Proto.ServerStreaming ? "stream " : "") + TypeLink(contract, package, method.Proto.OutputType);

    private static string Streaming(MethodDescriptorProto method) => (method.ClientStreaming, method.ServerStreaming) switch
    {
        (true, true) => "bidirectional streaming",
        (true, false) => "client streaming",
        (false, true) => "server streaming",
        _ => "unary",
    };

    private static void WriteMessage(Contract contract, PackageDoc package, MessageDoc message, Action<string> line)
    {
        line(Heading(4, package.Relative(message.FullName), message.FullName));
        line("");
        WriteLaunchStage(message.Proto.Options, line);
        WriteComment(message.Comment, line);
        if (GoogleApiOptions.Resource(message.Proto.Options) is { } resource)
        {
            var patterns = string.Join(", ", resource.Patterns.Select(Code));
            line($"Resource type {Code(resource.Type)}, name pattern {patterns}.");
            line("");
        }
        if (message.Fields.Count == 0)
        {
            line("No fields.");
            line("");
            return;
        }
        line("| Field | Number | Type | Label | Behavior | Description |");
        line("|---|---|---|---|---|---|");
        foreach (var field in message.Fields)
        {
            var behaviors = GoogleApiOptions.FieldBehaviors(field.Proto.Options).Select(b => Code(contract.FieldBehaviorName(b)))
                .Concat(GoogleApiOptions.LaunchStage(field.Proto.Options) is { } stage ? [$"launch stage {Code(stage)}"] : []);
            line($"| <a id=\"{field.FullName}\"></a>{Code(field.Proto.Name)} | {Number(field.Proto.Number)} | {FieldType(contract, package, field.Proto)} " +
                 $"| {Label(contract, message.Proto, field.Proto)} | {string.Join(", ", behaviors)} | {FieldDescription(field)} |");
        }
        line("");
    }

    private static string FieldDescription(FieldDoc field)
    {
        var description = field.Comment.ToCell();
        if (GoogleApiOptions.Reference(field.Proto.Options) is not { } reference)
        {
            return description;
        }
        var note = reference.IsParent
            ? $"Resource reference: the parent of {Code(reference.Type)}."
            : $"Resource reference: {Code(reference.Type)}.";
        return description.Length == 0 ? note : description + "<br><br>" + note;
    }

    private static string FieldType(Contract contract, PackageDoc package, FieldDescriptorProto field)
    {
        if (field.Type is not (FieldDescriptorProto.Types.Type.Message or FieldDescriptorProto.Types.Type.Enum))
        {
            return Code(field.Type.ToString().ToLowerInvariant());
        }
        if (contract.MapEntry(field.TypeName.TrimStart('.')) is { } entry)
        {
            return $"map&lt;{FieldType(contract, package, entry.Field[0])}, {FieldType(contract, package, entry.Field[1])}&gt;";
        }
        return TypeLink(contract, package, field.TypeName);
    }

    private static string TypeLink(Contract contract, PackageDoc package, string typeName)
    {
        var fullName = typeName.TrimStart('.');
        return contract.IsDocumented(fullName) ? Link(Code(package.Relative(fullName)), fullName) : Code(fullName);
    }

    private static string Label(Contract contract, DescriptorProto message, FieldDescriptorProto field)
    {
        if (field.Label == FieldDescriptorProto.Types.Label.Repeated)
        {
            return contract.MapEntry(field.TypeName.TrimStart('.')) is null ? "repeated" : "map";
        }
        if (field.Proto3Optional)
        {
            return "optional";
        }
        if (field.HasOneofIndex)
        {
            return $"oneof {Code(message.OneofDecl[field.OneofIndex].Name)}";
        }
        return field.Label == FieldDescriptorProto.Types.Label.Required ? "required" : "";
    }

    private static void WriteEnum(PackageDoc package, EnumDoc @enum, Action<string> line)
    {
        line(Heading(4, package.Relative(@enum.FullName), @enum.FullName));
        line("");
        WriteLaunchStage(@enum.Proto.Options, line);
        WriteComment(@enum.Comment, line);
        line("| Value | Number | Description |");
        line("|---|---|---|");
        foreach (var value in @enum.Values)
        {
            var stage = GoogleApiOptions.LaunchStage(value.Proto.Options) is { } marked ? $"Launch stage {Code(marked)}. " : "";
            line($"| <a id=\"{value.FullName}\"></a>{Code(value.Proto.Name)} | {Number(value.Proto.Number)} | {stage}{value.Comment.ToCell()} |");
        }
        line("");
    }

    private static void WriteLaunchStage(Google.Protobuf.IMessage? options, Action<string> line)
    {
        if (GoogleApiOptions.LaunchStage(options) is { } stage)
        {
            line($"Launch stage: {Code(stage)}.");
            line("");
        }
    }

    private static void WriteComment(Comment comment, Action<string> line)
    {
        if (!comment.IsEmpty)
        {
            line(comment.ToBlock());
            line("");
        }
    }

    private static string Number(int number) => number.ToString(CultureInfo.InvariantCulture);
}
