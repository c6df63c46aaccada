using Google.Protobuf.Reflection;

namespace Exchange.ContractDocs;

internal sealed record FileDoc(string Name, Comment Comment);
internal sealed record ServiceDoc(ServiceDescriptorProto Proto, string FullName, Comment Comment, IReadOnlyList<MethodDoc> Methods);
internal sealed record MethodDoc(MethodDescriptorProto Proto, string FullName, Comment Comment);
internal sealed record MessageDoc(DescriptorProto Proto, string FullName, Comment Comment, IReadOnlyList<FieldDoc> Fields);
internal sealed record FieldDoc(FieldDescriptorProto Proto, string FullName, Comment Comment);
internal sealed record EnumDoc(EnumDescriptorProto Proto, string FullName, Comment Comment, IReadOnlyList<EnumValueDoc> Values);
internal sealed record EnumValueDoc(EnumValueDescriptorProto Proto, string FullName, Comment Comment);

/// <summary>One documented package: its files, services, messages (nested ones after their parent) and enums.</summary>
internal sealed record PackageDoc(
    string Name, IReadOnlyList<FileDoc> Files, IReadOnlyList<ServiceDoc> Services,
    IReadOnlyList<MessageDoc> Messages, IReadOnlyList<EnumDoc> Enums)
{
    /// <summary>A full name as written inside this package (<c>Declaration.name</c>).</summary>
    public string Relative(string fullName) => fullName.StartsWith(Name + ".", StringComparison.Ordinal) ? fullName[(Name.Length + 1)..] : fullName;
}

/// <summary>
/// The documented part of a buf image: every file of an <c>exchange.*</c> package, grouped by
/// package. The order is stable: packages and files by name, elements in declaration order.
/// The rest of the image (google/*) only resolves types and option values.
/// </summary>
internal sealed class Contract
{
    public const string PackagePrefix = "exchange.";

    // Source paths (descriptor.proto field numbers).
    private const int FileMessages = 4, FileEnums = 5, FileServices = 6, FileSyntax = 12, FilePackage = 2;
    private const int MessageFields = 2, MessageNested = 3, MessageEnums = 4;
    private const int EnumValues = 2, ServiceMethods = 2;

    private readonly Dictionary<string, DescriptorProto> messages = [];
    private readonly Dictionary<int, string> fieldBehaviors = [];
    private readonly Dictionary<string, EnumDescriptorProto> enums = [];
    private readonly HashSet<string> documented = [];

    public IReadOnlyList<PackageDoc> Packages { get; }

    public Contract(FileDescriptorSet image)
    {
        foreach (var file in image.File)
        {
            IndexTypes(file.Package, file.MessageType, file.EnumType);
        }
        Packages = image.File
            .Where(f => f.Package.StartsWith(PackagePrefix, StringComparison.Ordinal))
            .GroupBy(f => f.Package)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => Package(g.Key, g.OrderBy(f => f.Name, StringComparer.Ordinal).ToList()))
            .ToList();
        foreach (var package in Packages)
        {
            documented.UnionWith(package.Messages.Select(m => m.FullName).Concat(package.Enums.Select(e => e.FullName)));
        }
    }

    /// <summary>Whether a message or enum (full name, no leading dot) has a section in the reference.</summary>
    public bool IsDocumented(string fullName) => documented.Contains(fullName);

    /// <summary>The map entry message a map field's type names, or null when the type is not a map entry.</summary>
    public DescriptorProto? MapEntry(string fullName) =>
        messages.TryGetValue(fullName, out var message) && message.Options?.MapEntry == true ? message : null;

    /// <summary>The name of a google.api.FieldBehavior value, from the image's field_behavior.proto.</summary>
    public string FieldBehaviorName(int value) => fieldBehaviors.TryGetValue(value, out var name) ? name : value.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The value names of an enum of the image (full name, no leading dot) by number; empty when it is not in the image.</summary>
    public IReadOnlyDictionary<ulong, string> EnumValueNames(string fullName) =>
        enums.TryGetValue(fullName, out var @enum) ? @enum.Value.ToDictionary(v => (ulong)(uint)v.Number, v => v.Name) : new Dictionary<ulong, string>();

    private void IndexTypes(string scope, IEnumerable<DescriptorProto> nestedMessages, IEnumerable<EnumDescriptorProto> enums)
    {
        foreach (var message in nestedMessages)
        {
            var fullName = Join(scope, message.Name);
            messages[fullName] = message;
            IndexTypes(fullName, message.NestedType, message.EnumType);
        }
        foreach (var @enum in enums)
        {
            this.enums[Join(scope, @enum.Name)] = @enum;
        }
        foreach (var value in enums.Where(e => Join(scope, e.Name) == "google.api.FieldBehavior").SelectMany(e => e.Value))
        {
            fieldBehaviors[value.Number] = value.Name;
        }
    }

    private static PackageDoc Package(string name, IReadOnlyList<FileDescriptorProto> files)
    {
        var fileDocs = new List<FileDoc>();
        var services = new List<ServiceDoc>();
        var messageDocs = new List<MessageDoc>();
        var enums = new List<EnumDoc>();
        foreach (var file in files)
        {
            var comments = new SourceComments(file);
            var fileComment = comments.For([FileSyntax]);
            fileDocs.Add(new FileDoc(file.Name, fileComment.IsEmpty ? comments.For([FilePackage]) : fileComment));
            services.AddRange(file.Service.Select((s, i) => Service(comments, name, s, [FileServices, i])));
            for (var i = 0; i < file.MessageType.Count; i++)
            {
                AddMessage(comments, name, file.MessageType[i], [FileMessages, i], messageDocs, enums);
            }
            enums.AddRange(file.EnumType.Select((e, i) => Enum(comments, name, e, [FileEnums, i])));
        }
        return new PackageDoc(name, fileDocs, services, messageDocs, enums);
    }

    private static ServiceDoc Service(SourceComments comments, string scope, ServiceDescriptorProto service, int[] path)
    {
        var fullName = Join(scope, service.Name);
        var methods = service.Method.Select((m, i) => new MethodDoc(m, Join(fullName, m.Name), comments.For([.. path, ServiceMethods, i])));
        return new ServiceDoc(service, fullName, comments.For(path), methods.ToList());
    }

    private static void AddMessage(
        SourceComments comments, string scope, DescriptorProto message, int[] path, List<MessageDoc> messages, List<EnumDoc> enums)
    {
        if (message.Options?.MapEntry == true)
        {
            return;
        }
        var fullName = Join(scope, message.Name);
        var fields = message.Field.Select((f, i) => new FieldDoc(f, Join(fullName, f.Name), comments.For([.. path, MessageFields, i])));
        messages.Add(new MessageDoc(message, fullName, comments.For(path), fields.ToList()));
        for (var i = 0; i < message.NestedType.Count; i++)
        {
            AddMessage(comments, fullName, message.NestedType[i], [.. path, MessageNested, i], messages, enums);
        }
        enums.AddRange(message.EnumType.Select((e, i) => Enum(comments, fullName, e, [.. path, MessageEnums, i])));
    }

    private static EnumDoc Enum(SourceComments comments, string scope, EnumDescriptorProto @enum, int[] path)
    {
        var fullName = Join(scope, @enum.Name);
        var values = @enum.Value.Select((v, i) => new EnumValueDoc(v, Join(fullName, v.Name), comments.For([.. path, EnumValues, i])));
        return new EnumDoc(@enum, fullName, comments.For(path), values.ToList());
    }

    private static string Join(string scope, string name) => scope.Length == 0 ? name : scope + "." + name;
}
