using Google.Protobuf;
using Google.Protobuf.Reflection;
using static Google.Protobuf.Reflection.FieldDescriptorProto.Types;
using Type = Google.Protobuf.Reflection.FieldDescriptorProto.Types.Type;

namespace Exchange.Contract.Tests;

/// <summary>
/// A small buf-like image built in code: one documented package (exchange.sample.v1) with a
/// service, a message, an enum and their comments, plus the google/api and google/type files it
/// uses, which the reference must not document.
/// </summary>
internal static class SampleImage
{
    // google.api.FieldBehavior values, as in google/api/field_behavior.proto.
    public const int Optional = 1, Required = 2, OutputOnly = 3, Identifier = 8;

    // exchange.standard.v1.Standard values, as in exchange/standard/v1/standard_mapping.proto.
    public const int WcoDataModel = 1, UnEdifact = 9;

    /// <summary>The sample, its Parcel.local_reference_number mapped to WCO DM D026 as of <paramref name="edition"/>.</summary>
    public static FileDescriptorSet Build(string edition = "HTI IE tables v2.02") => new()
    {
        File =
        {
            Sample(edition), FieldBehaviorProto(), StandardMappingProto(),
            new FileDescriptorProto { Name = "google/type/money.proto", Package = "google.type", MessageType = { new DescriptorProto { Name = "Money" } } },
        },
    };

    private static FileDescriptorProto Sample(string edition) => new()
    {
        Name = "exchange/sample/v1/sample.proto",
        Package = "exchange.sample.v1",
        Syntax = "proto3",
        Dependency = { "google/api/field_behavior.proto", "google/type/money.proto" },
        MessageType =
        {
            new DescriptorProto
            {
                Name = "Parcel",
                Field =
                {
                    Field("local_reference_number", 1, Type.String, options: FieldOptions.Parser.ParseFrom(
                        Behaviors(packed: false, Required).ToByteArray().Concat(Mapping(WcoDataModel, edition, "D026", "LRN", notes: "an..22")).ToArray())),
                    Field("name", 2, Type.String, options: Behaviors(packed: true, Identifier, OutputOnly)),
                    Field("status", 3, Type.Enum, ".exchange.sample.v1.ParcelStatus", Behaviors(packed: false, Optional)),
                    Field("value", 4, Type.Message, ".google.type.Money"),
                    Field("tags", 5, Type.String, label: Label.Repeated),
                },
            },
            new DescriptorProto { Name = "GetParcelRequest", Field = { Field("name", 1, Type.String) } },
        },
        EnumType =
        {
            new EnumDescriptorProto
            {
                Name = "ParcelStatus",
                Value =
                {
                    new EnumValueDescriptorProto { Name = "PARCEL_STATUS_UNSPECIFIED", Number = 0 },
                    new EnumValueDescriptorProto
                    {
                        Name = "PARCEL_STATUS_RELEASED", Number = 1,
                        Options = EnumValueOptions.Parser.ParseFrom(Mapping(UnEdifact, "D.96A", "7365", "Processing indicator", code: "4", notes: "Goods released")),
                    },
                },
            },
        },
        Service =
        {
            new ServiceDescriptorProto
            {
                Name = "ParcelService",
                Method =
                {
                    new MethodDescriptorProto { Name = "GetParcel", InputType = ".exchange.sample.v1.GetParcelRequest", OutputType = ".exchange.sample.v1.Parcel" },
                    new MethodDescriptorProto { Name = "WatchParcels", InputType = ".exchange.sample.v1.GetParcelRequest", OutputType = ".exchange.sample.v1.Parcel", ServerStreaming = true },
                },
            },
        },
        SourceCodeInfo = new SourceCodeInfo
        {
            Location =
            {
                Comment([12], " A sample contract.\n"),
                Comment([4, 0], " One parcel.\n Still the first paragraph.\n\n A second paragraph.\n"),
                Comment([4, 0, 2, 0], " The filer's Local Reference Number.\n"),
                Comment([4, 0, 2, 1], " Either `a|b` or c | d.\n"),
                Comment([5, 0, 2, 1], " Released (EDIFACT 7365 code 4 \"Goods released\").\n"),
                Comment([6, 0, 2, 0], " Returns one parcel.\n"),
            },
        },
    };

    private static FileDescriptorProto FieldBehaviorProto() => new()
    {
        Name = "google/api/field_behavior.proto",
        Package = "google.api",
        EnumType =
        {
            new EnumDescriptorProto
            {
                Name = "FieldBehavior",
                Value =
                {
                    new EnumValueDescriptorProto { Name = "FIELD_BEHAVIOR_UNSPECIFIED", Number = 0 },
                    new EnumValueDescriptorProto { Name = "OPTIONAL", Number = Optional },
                    new EnumValueDescriptorProto { Name = "REQUIRED", Number = Required },
                    new EnumValueDescriptorProto { Name = "OUTPUT_ONLY", Number = OutputOnly },
                    new EnumValueDescriptorProto { Name = "IDENTIFIER", Number = Identifier },
                },
            },
        },
    };

    private static FileDescriptorProto StandardMappingProto() => new()
    {
        Name = "exchange/standard/v1/standard_mapping.proto",
        Package = "exchange.standard.v1",
        Syntax = "proto3",
        EnumType =
        {
            new EnumDescriptorProto
            {
                Name = "Standard",
                Value =
                {
                    new EnumValueDescriptorProto { Name = "STANDARD_UNSPECIFIED", Number = 0 },
                    new EnumValueDescriptorProto { Name = "STANDARD_WCO_DATA_MODEL", Number = WcoDataModel },
                    new EnumValueDescriptorProto { Name = "STANDARD_UN_EDIFACT", Number = UnEdifact },
                },
            },
        },
    };

    /// <summary>
    /// One exchange.standard.v1.ElementMapping option (extension 51002 of every kind of options) as
    /// wire bytes, the unknown field it is to a parser without the extension.
    /// </summary>
    private static byte[] Mapping(int standard, string edition, string elementId, string elementName, string code = "", string notes = "")
    {
        var mapping = new MemoryStream();
        var fields = new CodedOutputStream(mapping);
        fields.WriteTag(1, WireFormat.WireType.Varint);
        fields.WriteInt32(standard);
        foreach (var (number, text) in new[] { (2, edition), (3, elementId), (4, elementName), (5, code), (6, notes) }.Where(f => f.Item2.Length > 0))
        {
            fields.WriteTag(number, WireFormat.WireType.LengthDelimited);
            fields.WriteString(text);
        }
        fields.Flush();
        var option = new MemoryStream();
        var output = new CodedOutputStream(option);
        output.WriteTag(51002, WireFormat.WireType.LengthDelimited);
        output.WriteBytes(ByteString.CopyFrom(mapping.ToArray()));
        output.Flush();
        return option.ToArray();
    }

    private static FieldDescriptorProto Field(string name, int number, Type type, string? typeName = null, FieldOptions? options = null, Label label = Label.Optional)
    {
        var field = new FieldDescriptorProto { Name = name, Number = number, Type = type, Label = label, JsonName = name };
        if (typeName is not null)
        {
            field.TypeName = typeName;
        }
        if (options is not null)
        {
            field.Options = options;
        }
        return field;
    }

    /// <summary>
    /// FieldOptions carrying google.api.field_behavior (extension 1052) as the unknown field it is
    /// to a parser without the extension: unpacked as buf writes it, or packed.
    /// </summary>
    private static FieldOptions Behaviors(bool packed, params int[] values)
    {
        var bytes = new MemoryStream();
        var output = new CodedOutputStream(bytes);
        if (packed)
        {
            output.WriteTag(1052, WireFormat.WireType.LengthDelimited);
            output.WriteLength(values.Sum(CodedOutputStream.ComputeInt32Size));
            Array.ForEach(values, output.WriteInt32);
        }
        else
        {
            foreach (var value in values)
            {
                output.WriteTag(1052, WireFormat.WireType.Varint);
                output.WriteInt32(value);
            }
        }
        output.Flush();
        return FieldOptions.Parser.ParseFrom(bytes.ToArray());
    }

    private static SourceCodeInfo.Types.Location Comment(int[] path, string text) => new() { Path = { path }, LeadingComments = text };
}
