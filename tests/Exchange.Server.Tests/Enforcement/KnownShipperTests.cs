using Exchange.Contracts.Declaration.V1;
using Exchange.Contracts.Enforcement.V1;
using Exchange.Server.Tests.Support;
using Exchange.Testing;
using Exchange.Testing.Hosting;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;

namespace Exchange.Server.Tests.Enforcement;

/// <summary>The trusted-trader registry and its effect on assessments.</summary>
public sealed class KnownShipperTests : IDisposable
{
    private const string Filer = "swift-express";
    private const string Officer = "officer-bakker";
    private const string SellerId = "SELLER-4411"; // the marketplace seller id of the express sample
    private readonly ExchangeNode _node = EnforcementFlow.AssessingNode();
    private readonly KnownShipperService.KnownShipperServiceClient _registry;

    public KnownShipperTests() => _registry = _node.KnownShipperClient(Officer);

    public void Dispose() => _node.Dispose();

    private async Task<Enrolment> EnrolAsync(string programmeId, string issuing, string identifier = SellerId)
    {
        await _registry.CreateProgrammeAsync(new CreateProgrammeRequest
        {
            ProgrammeId = programmeId,
            Programme = new Programme { Type = ProgrammeType.KnownShipper, IssuingAdministration = issuing, DisplayName = programmeId },
        });
        return (await _registry.CreateEnrolmentAsync(new CreateEnrolmentRequest
        {
            Parent = $"programmes/{programmeId}",
            EnrolmentId = "bright-gadgets",
            Enrolment = new Enrolment
            {
                TraderName = "Shenzhen Bright Gadgets",
                TraderIdentifier = identifier,
                ValidFrom = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddDays(-1)),
            },
        })).Enrolment;
    }

    private async Task<RiskAssessment> AssessSampleAsync()
    {
        var decided = await _node.ClientFor(Filer).SubmitAndAwaitDecisionAsync(Filer, SampleDeclarations.ExpressMarketplaceSale());
        return (await _node.OfficerClient(Officer).GetRiskAssessmentAsync(
            new GetRiskAssessmentRequest { Name = decided.Name + "/riskAssessment" })).RiskAssessment;
    }

    [Fact]
    public async Task An_active_enrolment_of_the_own_administration_lowers_the_score()
    {
        var enrolment = await EnrolAsync("nl-known-shipper", "NL");

        var assessment = await AssessSampleAsync();

        Assert.Equal(enrolment.Name, assessment.KnownShipperEnrolment);
        var hit = Assert.Single(assessment.Hits, h => h.Kind == RuleKind.KnownShipper);
        Assert.True(hit.Weight < 0);
    }

    [Fact]
    public async Task A_partner_programme_counts_only_once_mutually_recognised()
    {
        await EnrolAsync("us-ctpat", "US");
        Assert.Equal("", (await AssessSampleAsync()).KnownShipperEnrolment);
        var lookup = new LookupKnownShipperRequest { TraderIdentifier = "seller-4411" };
        Assert.False((await _registry.LookupKnownShipperAsync(lookup)).KnownShipper);

        await _registry.UpdateProgrammeAsync(new UpdateProgrammeRequest
        {
            Programme = new Programme { Name = "programmes/us-ctpat", MutuallyRecognised = true },
            UpdateMask = new FieldMask { Paths = { "mutually_recognised" } },
        });

        Assert.True((await _registry.LookupKnownShipperAsync(lookup)).KnownShipper);
        Assert.Equal("programmes/us-ctpat/enrolments/bright-gadgets", (await AssessSampleAsync()).KnownShipperEnrolment);
    }

    [Fact]
    public async Task Suspended_enrolments_do_not_count_and_revoked_ones_cannot_come_back()
    {
        var enrolment = await EnrolAsync("nl-aeo", "NL");
        await _registry.SuspendEnrolmentAsync(new SuspendEnrolmentRequest { Name = enrolment.Name, Reason = "Audit pending." });
        Assert.Equal("", (await AssessSampleAsync()).KnownShipperEnrolment);

        await _registry.RevokeEnrolmentAsync(new RevokeEnrolmentRequest { Name = enrolment.Name, Reason = "Audit failed." });

        await EnforcementFlow.ExpectAsync(StatusCode.FailedPrecondition, "INVALID_STATE_TRANSITION",
            _registry.ReinstateEnrolmentAsync(new ReinstateEnrolmentRequest { Name = enrolment.Name }));
        var stored = (await _registry.GetEnrolmentAsync(new GetEnrolmentRequest { Name = enrolment.Name })).Enrolment;
        Assert.Equal(EnrolmentState.Revoked, stored.State);
        Assert.Equal("Audit failed.", stored.StateReason);
    }

    [Fact]
    public async Task Lookup_honours_the_validity_dates()
    {
        await EnrolAsync("nl-trusted", "NL");
        var before = new LookupKnownShipperRequest
        {
            TraderIdentifier = SellerId,
            Time = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddDays(-2)),
        };

        Assert.False((await _registry.LookupKnownShipperAsync(before)).KnownShipper);
        Assert.True((await _registry.LookupKnownShipperAsync(new LookupKnownShipperRequest { TraderIdentifier = SellerId })).KnownShipper);
        await EnforcementFlow.ExpectAsync(StatusCode.AlreadyExists, "ALREADY_EXISTS",
            _registry.CreateProgrammeAsync(new CreateProgrammeRequest
            {
                ProgrammeId = "nl-trusted",
                Programme = new Programme { Type = ProgrammeType.Aeo, IssuingAdministration = "NL", DisplayName = "again" },
            }));
    }

    [Fact]
    public async Task Out_of_range_timestamps_are_refused_with_their_paths()
    {
        await _registry.CreateProgrammeAsync(new CreateProgrammeRequest
        {
            ProgrammeId = "nl-dates",
            Programme = new Programme { Type = ProgrammeType.KnownShipper, IssuingAdministration = "NL", DisplayName = "dates" },
        });

        var status = await EnforcementFlow.ExpectAsync(StatusCode.InvalidArgument, "VALIDATION_FAILED",
            _registry.CreateEnrolmentAsync(new CreateEnrolmentRequest
            {
                Parent = "programmes/nl-dates",
                EnrolmentId = "far-future",
                Enrolment = new Enrolment
                {
                    TraderName = "Far Future Ltd",
                    TraderIdentifier = SellerId,
                    ValidFrom = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow),
                    ValidUntil = new Timestamp { Seconds = 999_999_999_999 },
                },
            }));
        Assert.Equal(["enrolment.valid_until"], Exchange.Server.Tests.Support.RpcErrors.ViolatedFields(status));
        await EnforcementFlow.ExpectAsync(StatusCode.InvalidArgument, "VALIDATION_FAILED",
            _registry.LookupKnownShipperAsync(new LookupKnownShipperRequest { TraderIdentifier = SellerId, Time = new Timestamp { Nanos = -1 } }));
    }
}
