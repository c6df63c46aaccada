using Exchange.Contracts.Audit.V1;
using Exchange.Contracts.Declaration.V1;
using Exchange.Contracts.Enforcement.V1;
using Exchange.Contracts.Partner.V1;
using Exchange.Contracts.Reporting.V1;
using Exchange.Server.Tests.Support;
using Exchange.Testing;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using GetDeclarationRequest = Exchange.Contracts.Declaration.V1.GetDeclarationRequest;
using ListDeclarationsRequest = Exchange.Contracts.Declaration.V1.ListDeclarationsRequest;

namespace Exchange.Server.Tests.Authorization;

/// <summary>The roles a caller can be authenticated in; each RPC admits exactly one.</summary>
public enum Role
{
    Filer,
    Officer,
    Agency,
    Partner,
}

/// <summary>A refusal as the contract spells it: a status code and the ErrorInfo reason.</summary>
public sealed record Refusal(StatusCode Code, string Reason)
{
    public static readonly Refusal Unauthenticated = new(StatusCode.Unauthenticated, "CALLER_UNAUTHENTICATED");
    public static readonly Refusal RoleNotPermitted = new(StatusCode.PermissionDenied, "ROLE_NOT_PERMITTED");
    public static readonly Refusal FilerMismatch = new(StatusCode.PermissionDenied, "FILER_MISMATCH");
    public static readonly Refusal AgreementNotPermitted = new(StatusCode.PermissionDenied, "AGREEMENT_NOT_PERMITTED");
    public static readonly Refusal DeclarationNotFound = new(StatusCode.NotFound, "DECLARATION_NOT_FOUND");
    public static readonly Refusal ResourceNotFound = new(StatusCode.NotFound, "RESOURCE_NOT_FOUND");
    public static readonly Refusal ValidationFailed = new(StatusCode.InvalidArgument, "VALIDATION_FAILED");
    public static readonly Refusal InvalidPageToken = new(StatusCode.InvalidArgument, "INVALID_PAGE_TOKEN");

    public override string ToString() => $"{Code} {Reason}";
}

/// <summary>
/// One RPC and who may call it.
/// </summary>
/// <param name="Method">The RPC.</param>
/// <param name="MayCall">The one role admitted; every other role is ROLE_NOT_PERMITTED.</param>
/// <param name="Probe">
/// A well-formed request that names resources the callers of the matrix do not own: filer alpha's
/// declarations, agency food-safety's subscriptions, the node's programme and partner BE. It
/// never carries any of alpha's data itself, so whatever of it comes back came from the node.
/// </param>
/// <param name="Stranger">
/// What a caller in the right role but not the owner gets for the probe (filer beta, agency fda,
/// partners outside their agreement); null where the role owns nothing (officers act for the
/// whole administration).
/// </param>
public sealed record Rpc(MethodDescriptor Method, Role MayCall, Func<Resources, IMessage> Probe, Refusal? Stranger)
{
    public string Label => $"{Method.Service.Name}.{Method.Name}";

    public override string ToString() => Label;
}

/// <summary>
/// Every RPC of the contract with the role that may call it. A new RPC fails
/// AuthorizationMatrixTests until it is added here, i.e. until someone decides who may call it.
/// </summary>
public static class RpcCatalogue
{
    public static IReadOnlyList<Rpc> All { get; } =
    [
        // exchange.declaration.v1: filers, each only for itself.
        Filer("SubmitDeclaration", _ => Requests.Submit(AuthorizationNode.Alpha, Probes.Declaration())),
        Filer("GetDeclaration", r => new GetDeclarationRequest { Name = r.Held.Name }),
        Filer("ListDeclarations", _ => new ListDeclarationsRequest { Parent = AuthorizationNode.AlphaParent }),
        Filer("AmendDeclaration", r => new AmendDeclarationRequest { Declaration = Probes.Declaration(r.Held.Name), Etag = r.Held.Etag }),
        Filer("CancelDeclaration", r => new CancelDeclarationRequest { Name = r.Held.Name, Etag = r.Held.Etag, Reason = "Probe." }),
        Filer("WatchDeclarationEvents", _ => new WatchDeclarationEventsRequest { Parent = AuthorizationNode.AlphaParent, IncludeHistory = true }),
        Filer("BulkSubmitDeclarations", _ => new BulkSubmitDeclarationsRequest
        {
            Parent = AuthorizationNode.AlphaParent, Declaration = Probes.Declaration(), RequestId = Guid.NewGuid().ToString(),
        }),
        Filer("RespondToReferral", r => new RespondToReferralRequest { Name = r.Referral, Response = Probes.Information() }),
        Filer("NotifyArrival", r => new NotifyArrivalRequest
        {
            Name = r.Held.Name, ArriveTime = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddMinutes(-1)), ArrivalOffice = "NL000396",
        }),
        Filer("NotifyPresentation", r => new NotifyPresentationRequest { Name = r.Held.Name }),
        Filer("RespondToAgencyRequest", r => new RespondToAgencyRequestRequest
        {
            Name = r.Held.Name + "/agencyRequests/1", Response = new AdditionalInformation { Text = "Probe." },
        }),
        Filer("NotifyItemArrival", _ => new NotifyItemArrivalRequest
        {
            Parent = AuthorizationNode.AlphaParent, ItemIdentifier = "RB123456785GB",
            ArriveTime = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddMinutes(-1)),
        }),

        // exchange.declaration.v1 DataSetService (beta): filers; the profiles are the same for every filer.
        new(Method(DataSetService.Descriptor, "ListDataSetProfiles"), Role.Filer, _ => new ListDataSetProfilesRequest(), Stranger: null),
        new(Method(DataSetService.Descriptor, "GetDeclarationDataSet"), Role.Filer,
            r => new GetDeclarationDataSetRequest { Name = r.Held.Name, Profile = "EU-ICS2-HOUSE-EXPRESS" }, Refusal.FilerMismatch),
        new(Method(DataSetService.Descriptor, "CheckDeclarationData"), Role.Filer,
            _ => new CheckDeclarationDataRequest { Parent = AuthorizationNode.AlphaParent, Declaration = Probes.Declaration() }, Refusal.FilerMismatch),

        // exchange.declaration.v1 RevenueService (beta): the filer of a declaration, or the carrier of
        // its master consignment; a stranger is FILER_MISMATCH whether or not the declaration exists.
        new(Method(RevenueService.Descriptor, "GetDutyAssessment"), Role.Filer,
            r => new GetDutyAssessmentRequest { Name = r.Held.Name + "/dutyAssessment" }, Refusal.FilerMismatch),
        new(Method(RevenueService.Descriptor, "RecordPayment"), Role.Filer, r => new RecordPaymentRequest
        {
            Name = r.Held.Name + "/dutyAssessment",
            Amount = new Google.Type.Money { CurrencyCode = "EUR", Units = 1 },
            RequestId = Guid.NewGuid().ToString(),
        }, Refusal.FilerMismatch),

        // exchange.declaration.v1 RevenueOversightService (beta): officers.
        Officer(RevenueOversightService.Descriptor, "ListIossMonthlyTotals", _ => new ListIossMonthlyTotalsRequest()),

        // exchange.declaration.v1 ConsignmentService: filers as carriers, each only for its own consignments.
        Carrier("CreateConsignment", _ => new CreateConsignmentRequest
        {
            Parent = AuthorizationNode.AlphaParent, ConsignmentId = "probe", Consignment = Probes.Consignment(),
        }),
        Carrier("GetConsignment", r => new GetConsignmentRequest { Name = r.Consignment }),
        Carrier("ListConsignments", _ => new ListConsignmentsRequest { Parent = AuthorizationNode.AlphaParent }),
        Carrier("AmendConsignment", r => new AmendConsignmentRequest { Consignment = Probes.Consignment(r.Consignment), Etag = "probe" }),
        Carrier("InvalidateConsignment", r => new InvalidateConsignmentRequest { Name = r.Consignment, Etag = "probe", Reason = "Probe." }),
        Carrier("ListConsignmentHouses", r => new ListConsignmentHousesRequest { Parent = r.Consignment }),
        Carrier("NotifyConsignmentArrival", r => new NotifyConsignmentArrivalRequest
        {
            Name = r.Consignment, ArriveTime = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddMinutes(-1)),
        }),
        Carrier("NotifyConsignmentPresentation", r => new NotifyConsignmentPresentationRequest
        {
            Name = r.Consignment, HouseReferences = { "PROBE-HOUSE-1" },
        }),
        Carrier("WatchConsignmentEvents", _ => new WatchConsignmentEventsRequest { Parent = AuthorizationNode.AlphaParent, IncludeHistory = true }),

        // exchange.enforcement.v1 EnforcementService: officers.
        Officer(EnforcementService.Descriptor, "ListDeclarations", _ => new Contracts.Enforcement.V1.ListDeclarationsRequest { Parent = AuthorizationNode.AlphaParent }),
        Officer(EnforcementService.Descriptor, "GetDeclaration", r => new Contracts.Enforcement.V1.GetDeclarationRequest { Name = r.Held.Name }),
        Officer(EnforcementService.Descriptor, "GetRiskAssessment", r => new GetRiskAssessmentRequest { Name = r.Held.Name + "/riskAssessment" }),
        Officer(EnforcementService.Descriptor, "DecideDeclaration", r => new DecideDeclarationRequest
        {
            Name = r.Held.Name, Outcome = DecisionOutcome.Release, Reason = "Probe.", Etag = r.Held.Etag,
        }),
        Officer(EnforcementService.Descriptor, "RecordControlResult", r => new RecordControlResultRequest
        {
            Name = r.Held.Name, Outcome = ControlOutcome.Satisfactory, Remarks = "Probe.", Etag = r.Held.Etag,
        }),
        Officer(EnforcementService.Descriptor, "RecordDisposition", r => new RecordDispositionRequest
        {
            Name = r.Held.Name, Type = DispositionType.Seized, Reason = "Probe.", Etag = r.Held.Etag,
            LegalBasis = new LegalBasis { Code = "PROBE", Citation = "Probe." },
        }),
        Officer(EnforcementService.Descriptor, "ListDeclarationEvents", r => new ListDeclarationEventsRequest { Declaration = r.Held.Name }),

        // exchange.enforcement.v1 KnownShipperService: officers keep the registry.
        Officer(KnownShipperService.Descriptor, "CreateProgramme", _ => new CreateProgrammeRequest
        {
            ProgrammeId = "probe",
            Programme = new Programme { Type = ProgrammeType.KnownShipper, IssuingAdministration = "NL", DisplayName = "Probe" },
        }),
        Officer(KnownShipperService.Descriptor, "GetProgramme", r => new GetProgrammeRequest { Name = r.Programme }),
        Officer(KnownShipperService.Descriptor, "ListProgrammes", _ => new ListProgrammesRequest()),
        Officer(KnownShipperService.Descriptor, "UpdateProgramme", r => new UpdateProgrammeRequest
        {
            Programme = new Programme { Name = r.Programme, DisplayName = "Renamed by a probe" },
            UpdateMask = FieldMask.FromString("display_name"),
        }),
        Officer(KnownShipperService.Descriptor, "CreateEnrolment", r => new CreateEnrolmentRequest
        {
            Parent = r.Programme,
            EnrolmentId = "probe",
            Enrolment = new Enrolment { TraderName = "Probe", TraderIdentifier = "PROBE-1", ValidFrom = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow) },
        }),
        Officer(KnownShipperService.Descriptor, "GetEnrolment", r => new GetEnrolmentRequest { Name = r.Enrolment }),
        Officer(KnownShipperService.Descriptor, "ListEnrolments", r => new ListEnrolmentsRequest { Parent = r.Programme }),
        Officer(KnownShipperService.Descriptor, "SuspendEnrolment", r => new SuspendEnrolmentRequest { Name = r.Enrolment, Reason = "Probe." }),
        Officer(KnownShipperService.Descriptor, "ReinstateEnrolment", r => new ReinstateEnrolmentRequest { Name = r.Enrolment }),
        Officer(KnownShipperService.Descriptor, "RevokeEnrolment", r => new RevokeEnrolmentRequest { Name = r.Enrolment, Reason = "Probe." }),
        Officer(KnownShipperService.Descriptor, "LookupKnownShipper", _ => new LookupKnownShipperRequest { TraderIdentifier = AuthorizationNode.EnrolledIdentifier }),

        // exchange.enforcement.v1 AgencyService: partner government agencies, each only for itself.
        // Naming another agency as parent or as the one acting is ROLE_NOT_PERMITTED (acting in a
        // role it does not hold); another agency's subscription or a declaration not flagged to
        // the caller does not exist for it.
        Agency("CreateSubscription", _ => new CreateSubscriptionRequest
        {
            Parent = AuthorizationNode.FlaggedAgencyName,
            SubscriptionId = "probe",
            Subscription = new Subscription { HsPrefixes = { "61" }, Description = "Probe" },
        }, Refusal.RoleNotPermitted),
        Agency("ListSubscriptions", _ => new ListSubscriptionsRequest { Parent = AuthorizationNode.FlaggedAgencyName }, Refusal.RoleNotPermitted),
        Agency("DeleteSubscription", r => new DeleteSubscriptionRequest { Name = r.Subscription }, Refusal.ResourceNotFound),
        Agency("ListFlaggedDeclarations", _ => new ListFlaggedDeclarationsRequest { Parent = AuthorizationNode.FlaggedAgencyName }, Refusal.RoleNotPermitted),
        Agency("PlaceAgencyHold", r => new PlaceAgencyHoldRequest
        {
            Declaration = r.Held.Name, Agency = AuthorizationNode.FlaggedAgencyName, Reason = "Probe.",
        }, Refusal.RoleNotPermitted),
        Agency("LiftAgencyHold", r => new LiftAgencyHoldRequest { Declaration = r.Held.Name, Agency = AuthorizationNode.FlaggedAgencyName }, Refusal.RoleNotPermitted),
        Agency("CreateAgencyRequest", r => new CreateAgencyRequestRequest
        {
            Declaration = r.Held.Name, Agency = AuthorizationNode.FlaggedAgencyName, RequestText = "Probe.",
        }, Refusal.RoleNotPermitted),
        Agency("RecordAgencyDecision", r => new RecordAgencyDecisionRequest
        {
            Declaration = r.Held.Name, Agency = AuthorizationNode.FlaggedAgencyName, Decision = AgencyDecision.MayProceed, Reason = "Probe.",
        }, Refusal.RoleNotPermitted),

        // exchange.reporting.v1: officers.
        Officer(ReportingService.Descriptor, "GetPerformanceReport", _ => new GetPerformanceReportRequest
        {
            Period = Period.Day,
            StartTime = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddDays(-1)),
            EndTime = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddDays(1)),
        }),

        // exchange.partner.v1 PartnerExchangeService: partner administrations, within their agreements.
        Partner("DeliverMessages", _ => new DeliverMessagesRequest { Messages = { Probes.SharedDeclaration() } }),
        Partner("LookupKnownShipperStatus", _ => new LookupKnownShipperStatusRequest { TraderIdentifier = AuthorizationNode.EnrolledIdentifier }),

        // exchange.partner.v1 PartnerAdministrationService: officers.
        Officer(PartnerAdministrationService.Descriptor, "GetPartner", _ => new GetPartnerRequest { Name = "partners/BE" }),
        Officer(PartnerAdministrationService.Descriptor, "ListPartners", _ => new ListPartnersRequest()),
        Officer(PartnerAdministrationService.Descriptor, "ListOutboxMessages", _ => new ListOutboxMessagesRequest { Parent = "partners/BE" }),

        // exchange.audit.v1: officers.
        Officer(AuditService.Descriptor, "ListAuditRecords", _ => new ListAuditRecordsRequest { Actor = AuthorizationNode.AlphaParent }),
    ];

    public static Rpc Of(ServiceDescriptor service, string method) =>
        All.Single(r => r.Method == (service.FindMethodByName(method) ?? throw new ArgumentException($"{service.FullName} has no {method}.")));

    private static MethodDescriptor Method(ServiceDescriptor service, string name) =>
        service.FindMethodByName(name) ?? throw new ArgumentException($"{service.FullName} has no method {name}.");

    private static Rpc Filer(string method, Func<Resources, IMessage> probe) =>
        new(Method(DeclarationService.Descriptor, method), Role.Filer, probe, Refusal.FilerMismatch);

    private static Rpc Carrier(string method, Func<Resources, IMessage> probe) =>
        new(Method(ConsignmentService.Descriptor, method), Role.Filer, probe, Refusal.FilerMismatch);

    private static Rpc Officer(ServiceDescriptor service, string method, Func<Resources, IMessage> probe) =>
        new(Method(service, method), Role.Officer, probe, null);

    private static Rpc Agency(string method, Func<Resources, IMessage> probe, Refusal stranger) =>
        new(Method(AgencyService.Descriptor, method), Role.Agency, probe, stranger);

    private static Rpc Partner(string method, Func<Resources, IMessage> probe) =>
        new(Method(PartnerExchangeService.Descriptor, method), Role.Partner, probe, Refusal.AgreementNotPermitted);
}

/// <summary>The contents of probe requests: valid, and free of anything of alpha's.</summary>
public static class Probes
{
    /// <summary>A valid declaration of the prober's own (with <paramref name="name"/>, for an amendment).</summary>
    public static Declaration Declaration(string? name = null)
    {
        var declaration = SampleDeclarations.PostalGift("PROBE-LRN-0001");
        if (name is not null)
        {
            declaration.Name = name;
        }
        return declaration;
    }

    /// <summary>A valid master consignment of the prober's own (with <paramref name="name"/>, for an amendment).</summary>
    public static Consignment Consignment(string? name = null, string masterDocument = "176-99999999") => new()
    {
        Name = name ?? "",
        TransportMode = TransportMode.Air,
        MasterTransportDocument = masterDocument,
        ConveyanceReference = "KL1234",
        RoutingCountryCodes = { "CN", "NL" },
        OfficeOfFirstEntry = "NL000396",
    };

    public static ReferralResponse Information() => new()
    {
        AdditionalInformation = new AdditionalInformation
        {
            Text = "Invoice attached.",
            Documents = { new DocumentReference { TypeCode = "N935", Identifier = "INV-PROBE-1", Uri = "https://docs.example/INV-PROBE-1.pdf" } },
        },
    };

    /// <summary>A partner's declaration bound for this node (NL), as a partner's outbox would send it.</summary>
    public static PartnerMessage SharedDeclaration()
    {
        var declaration = SampleDeclarations.PostalGift("PROBE-SHARED-0001");
        declaration.Name = "filers/probe-post/declarations/0192aaaa";
        declaration.Revision = 1;
        declaration.Status = DeclarationStatus.Accepted;
        declaration.Transport.DestinationCountryCode = "NL";
        return new PartnerMessage
        {
            MessageId = "probe-shared-1",
            CreateTime = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow),
            SharedDeclaration = new SharedDeclaration { Declaration = declaration },
        };
    }

    /// <summary>A partner's decision on <paramref name="sourceDeclaration"/>, as if this node had shared it with the partner.</summary>
    public static PartnerMessage ReturnedDecision(string sourceDeclaration, string messageId) => new()
    {
        MessageId = messageId,
        CreateTime = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow),
        ReturnedDecision = new ReturnedDecision
        {
            SourceDeclaration = sourceDeclaration,
            CustomsReference = "26BE0000000000001",
            Status = DeclarationStatus.Released,
            Decision = new Decision { Outcome = DecisionOutcome.Release, Reason = "Probe." },
            Revision = 1,
        },
    };
}
