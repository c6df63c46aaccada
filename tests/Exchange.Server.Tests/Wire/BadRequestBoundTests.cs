using System.Globalization;
using Exchange.Core.Errors;
using Exchange.Server.Grpc;
using Google.Rpc;
using FieldViolation = Exchange.Core.Validation.FieldViolation;

namespace Exchange.Server.Tests.Wire;

/// <summary>The one bound on a BadRequest (<see cref="ErrorStatuses"/>): its size, each text's length, the count of the rest.</summary>
public sealed class BadRequestBoundTests
{
    private static (BadRequest BadRequest, ErrorInfo Info) StatusOf(IReadOnlyList<FieldViolation> violations)
    {
        var status = ErrorStatuses.From(new ValidationFailedException(violations));
        return (status.GetDetail<BadRequest>()!, status.GetDetail<ErrorInfo>()!);
    }

    [Fact]
    public void Violations_beyond_the_byte_budget_are_counted_not_listed()
    {
        var violations = Enumerable.Range(0, 1000)
            .Select(i => new FieldViolation($"declaration.items[{i}].hs_code", "must be 6 to 10 digits")).ToList();

        var (badRequest, info) = StatusOf(violations);

        Assert.InRange(badRequest.CalculateSize(), ErrorStatuses.MaxViolationBytes - 100, ErrorStatuses.MaxViolationBytes);
        Assert.Equal(violations.Take(badRequest.FieldViolations.Count).Select(v => v.Field), badRequest.FieldViolations.Select(v => v.Field));
        Assert.Equal((1000 - badRequest.FieldViolations.Count).ToString(CultureInfo.InvariantCulture), info.Metadata["omitted_violations"]);
    }

    [Fact]
    public void A_long_description_is_cut_and_the_first_violation_is_always_listed()
    {
        var (badRequest, info) = StatusOf([new FieldViolation("declaration.remarks", new string('r', 100_000))]);

        var only = Assert.Single(badRequest.FieldViolations);
        Assert.Equal(ErrorStatuses.MaxViolationTextLength, only.Description.Length);
        Assert.EndsWith("...", only.Description, StringComparison.Ordinal);
        Assert.False(info.Metadata.ContainsKey("omitted_violations"));
    }
}
