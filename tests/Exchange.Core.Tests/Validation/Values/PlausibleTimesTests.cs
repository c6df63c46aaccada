using Exchange.Contracts.Declaration.V1;
using Exchange.Core.Validation;
using Google.Protobuf.WellKnownTypes;

namespace Exchange.Core.Tests.Validation.Values;

/// <summary>
/// The times a filer states are refused by field path outside the plausible window
/// (<see cref="PlausibleTimes"/>): from 2000-01-01 to a year ahead for an expected arrival. The
/// node's clock is pinned, so nothing here depends on when the tests run.
/// </summary>
public sealed class PlausibleTimesTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 3, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeProvider Clock = new PinnedClock(Now);

    public static TheoryData<string, DateTimeOffset> Implausible => new()
    {
        { "year 0001", new DateTimeOffset(1, 1, 1, 0, 0, 0, TimeSpan.Zero) },
        { "year 9999", new DateTimeOffset(9999, 12, 31, 0, 0, 0, TimeSpan.Zero) },
        { "a second before 2000", new DateTimeOffset(1999, 12, 31, 23, 59, 59, TimeSpan.Zero) },
        { "a missing century", new DateTimeOffset(26, 12, 4, 0, 0, 0, TimeSpan.Zero) },
        { "367 days ahead", Now.AddDays(367) },
    };

    public static TheoryData<string, DateTimeOffset> Plausible => new()
    {
        { "2000-01-01", new DateTimeOffset(2000, 1, 1, 0, 0, 0, TimeSpan.Zero) },
        { "yesterday", Now.AddDays(-1) },
        { "365 days ahead", Now.AddDays(365) },
    };

    [Theory]
    [MemberData(nameof(Implausible))]
    public void An_implausible_expected_arrival_is_refused_by_its_path(string label, DateTimeOffset expected)
    {
        var declaration = Samples.Postal(d => d.Transport.ExpectedArrivalTime = Timestamp.FromDateTimeOffset(expected));

        var violation = Assert.Single(DeclarationValidator.Validate(declaration, clock: Clock));

        Assert.Equal("declaration.transport.expected_arrival_time", violation.Field);
        Assert.Contains("must not be", violation.Description, StringComparison.Ordinal);
        Assert.NotEmpty(label);
    }

    [Theory]
    [MemberData(nameof(Plausible))]
    public void A_plausible_expected_arrival_is_accepted(string label, DateTimeOffset expected)
    {
        var declaration = Samples.Postal(d => d.Transport.ExpectedArrivalTime = Timestamp.FromDateTimeOffset(expected));

        Assert.Empty(DeclarationValidator.Validate(declaration, clock: Clock));
        Assert.NotEmpty(label);
    }

    [Fact]
    public void A_consignments_expected_arrival_keeps_to_the_same_window()
    {
        var consignment = new Consignment { ExpectedArrivalTime = Timestamp.FromDateTimeOffset(new DateTimeOffset(9999, 1, 1, 0, 0, 0, TimeSpan.Zero)) };
        var plausible = new Consignment { ExpectedArrivalTime = Timestamp.FromDateTimeOffset(Now.AddDays(2)) };

        Assert.Contains(ConsignmentValidator.Validate(consignment, clock: Clock), v => v.Field == "consignment.expected_arrival_time");
        Assert.DoesNotContain(ConsignmentValidator.Validate(plausible, clock: Clock), v => v.Field == "consignment.expected_arrival_time");
    }

    private sealed class PinnedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
