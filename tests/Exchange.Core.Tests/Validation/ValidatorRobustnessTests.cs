using System.Collections;
using System.Text;
using Exchange.Contracts.Declaration.V1;
using Exchange.Core.Validation;
using Exchange.Testing;
using Google.Protobuf;
using Google.Protobuf.Reflection;

namespace Exchange.Core.Tests.Validation;

/// <summary>
/// Validate must never throw and must always answer with short, printable descriptions, whatever
/// arrives: the input is untrusted bytes off the wire. Every field of the contract is mutated
/// through the protobuf descriptors, so new fields are covered without changing this test.
/// </summary>
public class ValidatorRobustnessTests
{
    private const int MaxDescriptionLength = 1_000;

    // Values that reach deep into the rules (valid codes, amounts and identifiers), mixed with garbage.
    private static readonly string[] Plausible =
    [
        "", " ", "DE", "CN", "NL", "CH", "XK", "de", "EUR", "USD", "JPY", "BHD", "XAU", "BGN", "RB123456785GB",
        "RB123456786US", "IM0123456789", "NL123456789", "611710", "770000", "0", "0.25", "-1", "1e3", ".5", "5.",
        "H87", "https://shop.example/x", "+31 20 123 4567", "a@b.example", "NL000396", "Clothes",
        "99999999999999999999999999999999", "0.0000001",
    ];

    [Fact]
    public void Randomly_mutated_declarations_never_make_Validate_throw()
    {
        var random = new Random(20260701);
        var reported = 0;
        for (var n = 0; n < 3_000; n++)
        {
            var declaration = (n % 3) switch
            {
                0 => SampleDeclarations.PostalGift(),
                1 => SampleDeclarations.ExpressMarketplaceSale(),
                _ => new Declaration(),
            };
            Mutate(declaration, random, depth: 0, probability: 0.05 + (random.NextDouble() * 0.4));

            var violations = AssertWellFormed(declaration);
            reported += violations.Count;
        }

        // The mutations must have hit the rules, or this test would prove nothing.
        Assert.True(reported > 10_000, $"only {reported} violations reported");
    }

    [Fact]
    public void Corrupted_wire_bytes_that_still_parse_never_make_Validate_throw()
    {
        var random = new Random(7);
        var samples = new[] { SampleDeclarations.PostalGift().ToByteArray(), SampleDeclarations.ExpressMarketplaceSale().ToByteArray() };
        var parsed = 0;
        for (var n = 0; n < 3_000; n++)
        {
            var bytes = (byte[])samples[n % 2].Clone();
            for (var flips = random.Next(1, 4); flips > 0; flips--)
            {
                bytes[random.Next(bytes.Length)] = (byte)random.Next(256);
            }

            Declaration declaration;
            try
            {
                declaration = Declaration.Parser.ParseFrom(bytes);
            }
            catch (InvalidProtocolBufferException)
            {
                continue; // refused by the parser before it reaches the rules
            }

            parsed++;
            AssertWellFormed(declaration);
        }

        Assert.True(parsed > 500, $"only {parsed} corrupted messages parsed");
    }

    [Fact]
    public void Every_text_field_at_100k_characters_is_reported_briefly()
    {
        var huge = new string('\u0007', 50_000) + new string('x', 50_000);
        var declaration = SampleDeclarations.ExpressMarketplaceSale();
        SetEveryString(declaration, huge);

        var violations = AssertWellFormed(declaration);
        Assert.Contains(violations, v => v.Field == "declaration.local_reference_number");
        Assert.Contains(violations, v => v.Field == "declaration.items[1].description");
        Assert.Contains(violations, v => v.Field == "declaration.consignee.address.street_lines[0]");
        Assert.Contains(violations, v => v.Field == "declaration.totals.invoice_total.currency_code");
        Assert.Contains(violations, v => v.Field == "declaration.totals.gross_weight_kg");
        Assert.Contains(violations, v => v.Field == "declaration.transport.routing_country_codes[1]");
        Assert.Contains(violations, v => v.Field == "declaration.marketplace.website");
    }

    [Fact]
    public void Extreme_numbers_and_unknown_enums_are_reported_not_thrown()
    {
        var declaration = SampleDeclarations.ExpressMarketplaceSale();
        declaration.Channel = (Channel)99;
        declaration.Category = (ItemCategory)int.MinValue;
        declaration.NatureOfCargo = (NatureOfCargo)int.MaxValue;
        declaration.Declarant.Role = (FilerRole)(-1);
        declaration.Consignee.Type = (PartyType)3;
        declaration.Transport.Mode = (TransportMode)99;
        declaration.Items[0].Value.Units = long.MinValue;
        declaration.Items[0].Value.Nanos = int.MinValue;
        declaration.Items[1].Value.Units = long.MaxValue;
        declaration.Items[1].Value.Nanos = int.MaxValue;
        declaration.Totals.InvoiceTotal.Units = long.MaxValue;
        declaration.Totals.TransportCharges.Units = long.MinValue;
        declaration.Transport.ExpectedArrivalTime = new Google.Protobuf.WellKnownTypes.Timestamp { Seconds = long.MinValue, Nanos = int.MinValue };

        ValidationAssert.ReportsExactly(declaration,
            "declaration.channel",
            "declaration.category",
            "declaration.nature_of_cargo",
            "declaration.declarant.role",
            "declaration.consignee.type",
            "declaration.ioss_number", // EUR 9.2e18 is above the IOSS ceiling
            "declaration.transport.mode",
            "declaration.items[0].value.nanos",
            "declaration.items[1].value.nanos",
            "declaration.totals.transport_charges",
            "declaration.transport.expected_arrival_time");
    }

    private static IReadOnlyList<FieldViolation> AssertWellFormed(Declaration declaration)
    {
        var violations = DeclarationValidator.Validate(declaration);
        foreach (var violation in violations)
        {
            Assert.StartsWith("declaration", violation.Field);
            Assert.Null(TextValues.ForbiddenCharacter(violation.Field));
            Assert.False(string.IsNullOrWhiteSpace(violation.Description));
            Assert.True(violation.Description.Length <= MaxDescriptionLength,
                $"{violation.Field}: description of {violation.Description.Length} characters");
            Assert.True(TextValues.ForbiddenCharacter(violation.Description) is null,
                $"{violation.Field}: unprintable description {string.Concat(violation.Description.Select(c => c < 0x20 || char.IsSurrogate(c) ? $"\\u{(int)c:X4}" : c.ToString()))}");
        }

        Assert.Equal(violations, DeclarationValidator.Validate(declaration));
        return violations;
    }

    private static void Mutate(IMessage message, Random random, int depth, double probability)
    {
        foreach (var field in message.Descriptor.Fields.InDeclarationOrder())
        {
            if (random.NextDouble() > probability)
            {
                continue;
            }

            var accessor = field.Accessor;
            if (field.IsRepeated)
            {
                var list = (IList)accessor.GetValue(message);
                switch (random.Next(4))
                {
                    case 0:
                        list.Clear();
                        break;
                    case 1 when field.FieldType == FieldType.Message && list.Count > 0 && random.Next(100) == 0:
                        // Well past the 999-item limit, now and then.
                        var template = (IMessage)list[0]!;
                        for (var i = 0; i < 1_200; i++)
                        {
                            list.Add(template);
                        }

                        break;
                    default:
                        for (var i = random.Next(1, 5); i > 0; i--)
                        {
                            list.Add(field.FieldType == FieldType.Message ? NewMessage(field, random, depth, probability) : RandomScalar(field, random));
                        }

                        break;
                }

                if (field.FieldType == FieldType.Message && depth < 6)
                {
                    foreach (var element in list)
                    {
                        Mutate((IMessage)element!, random, depth + 1, probability);
                    }
                }
            }
            else if (field.FieldType == FieldType.Message)
            {
                switch (random.Next(3))
                {
                    case 0:
                        accessor.SetValue(message, null);
                        break;
                    case 1:
                        accessor.SetValue(message, NewMessage(field, random, depth, probability));
                        break;
                    default:
                        if (accessor.GetValue(message) is IMessage existing && depth < 6)
                        {
                            Mutate(existing, random, depth + 1, probability);
                        }

                        break;
                }
            }
            else
            {
                accessor.SetValue(message, RandomScalar(field, random));
            }
        }
    }

    private static IMessage NewMessage(FieldDescriptor field, Random random, int depth, double probability)
    {
        var message = field.MessageType.Parser.ParseFrom(ByteString.Empty);
        if (depth < 6)
        {
            Mutate(message, random, depth + 1, Math.Max(probability, 0.5));
        }

        return message;
    }

    private static object RandomScalar(FieldDescriptor field, Random random) => field.FieldType switch
    {
        FieldType.String => RandomString(random),
        FieldType.Enum => Enum.ToObject(field.EnumType.ClrType, random.Next(4) switch
        {
            0 => random.Next(-3, 10),
            1 => 99,
            2 => int.MinValue,
            _ => random.Next(),
        }),
        FieldType.Int64 or FieldType.SInt64 or FieldType.SFixed64 => random.Next(5) switch
        {
            0 => long.MaxValue,
            1 => long.MinValue,
            2 => 0L,
            3 => random.NextInt64(-1_000, 1_000),
            _ => random.NextInt64(long.MinValue, long.MaxValue),
        },
        FieldType.Int32 or FieldType.SInt32 or FieldType.SFixed32 => random.Next(5) switch
        {
            0 => int.MaxValue,
            1 => int.MinValue,
            2 => 0,
            3 => random.Next(-1_000_000_000, 1_000_000_001),
            _ => random.Next(10) * 10_000_000,
        },
        FieldType.Bool => random.Next(2) == 0,
        _ => throw new NotSupportedException($"The test does not generate {field.FieldType} yet: extend RandomScalar."),
    };

    private static string RandomString(Random random)
    {
        switch (random.Next(10))
        {
            case 0:
            case 1:
            case 2:
                return Plausible[random.Next(Plausible.Length)];
            case 3:
                return random.Next(20) == 0 ? new string((char)random.Next(0x20, 0x7F), 100_000) : new string('a', random.Next(0, 600));
            default:
                var text = new StringBuilder();
                for (var i = random.Next(0, 80); i > 0; i--)
                {
                    text.Append(random.Next(6) switch
                    {
                        0 => (char)random.Next(0, 0x20), // C0 controls
                        1 => (char)random.Next(0xD800, 0xE000), // surrogates, often unpaired
                        2 => (char)random.Next(0x7F, 0xA0), // DEL and C1 controls
                        3 => (char)random.Next(0x20, 0x7F),
                        4 => "😀‮\u200D\uFEFF"[random.Next(5)],
                        _ => (char)random.Next(0xA0, 0xFFFF),
                    });
                }

                return text.ToString();
        }
    }

    private static void SetEveryString(IMessage message, string value)
    {
        foreach (var field in message.Descriptor.Fields.InDeclarationOrder())
        {
            var current = field.Accessor.GetValue(message);
            if (field.FieldType == FieldType.String)
            {
                if (field.IsRepeated)
                {
                    var list = (IList)current;
                    for (var i = 0; i < list.Count; i++)
                    {
                        list[i] = value;
                    }
                }
                else
                {
                    field.Accessor.SetValue(message, value);
                }
            }
            else if (field.FieldType == FieldType.Message && current is not null)
            {
                if (field.IsRepeated)
                {
                    foreach (var element in (IList)current)
                    {
                        SetEveryString((IMessage)element!, value);
                    }
                }
                else
                {
                    SetEveryString((IMessage)current, value);
                }
            }
        }
    }
}
