using System.Reflection;
using Exchange.Contracts.Audit.V1;
using Exchange.Contracts.Declaration.V1;
using Exchange.Contracts.Enforcement.V1;
using Exchange.Contracts.Partner.V1;
using Exchange.Contracts.Reporting.V1;
using Exchange.Server.Identity;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using GetDeclarationRequest = Exchange.Contracts.Declaration.V1.GetDeclarationRequest;
using ListDeclarationsRequest = Exchange.Contracts.Declaration.V1.ListDeclarationsRequest;

namespace Exchange.Server.Tests.Authorization;

/// <summary>
/// Every RPC is scoped to the authenticated caller: a filer sees only its own declarations, an
/// agency only what was flagged to it, a partner only what its agreement allows; anything else
/// is PERMISSION_DENIED or NOT_FOUND (UNAUTHENTICATED for no identity), never data. The matrix
/// tries every RPC of the contract in every role but its own and as nobody, then in its own
/// role as a caller who owns none of what it names; each answer must be the expected refusal
/// and carry none of alpha's data. Controls show the same requests succeed for the owner. The
/// whole matrix runs on each store (SQLite, PostgreSQL): the stores scope reads by filer too.
/// </summary>
public abstract class AuthorizationMatrix<TNode>(TNode node) where TNode : AuthorizationNode
{
    /// <summary>The services the standard defines; the contract assembly must hold no others.</summary>
    private static readonly ServiceDescriptor[] Services =
    [
        DeclarationService.Descriptor, ConsignmentService.Descriptor, DataSetService.Descriptor, EnforcementService.Descriptor, KnownShipperService.Descriptor, AgencyService.Descriptor,
        ReportingService.Descriptor, PartnerExchangeService.Descriptor, PartnerAdministrationService.Descriptor, AuditService.Descriptor,
        RevenueService.Descriptor, RevenueOversightService.Descriptor,
    ];

    /// <summary>Every RPC from every role it does not admit, and from callers with no identity or two.</summary>
    private static readonly IReadOnlyDictionary<string, Row> RoleRows = (
        from rpc in RpcCatalogue.All
        from wrong in Enum.GetValues<Role>().Where(role => role != rpc.MayCall)
            .Select(role => (Caller: Caller.In(role), Refusal: Refusal.RoleNotPermitted))
            .Append((Caller: Caller.Anonymous, Refusal: Refusal.Unauthenticated))
            .Append((Caller: Caller.FilerAndOfficer, Refusal: Refusal.Unauthenticated))
        select new Row($"{rpc} as {wrong.Caller}", rpc, wrong.Caller, rpc.Probe, wrong.Refusal))
        .ToDictionary(row => row.Label);

    /// <summary>Every RPC in its own role, from callers who own none of what it names, and further ways of reaching beyond one's own.</summary>
    private static readonly IReadOnlyDictionary<string, Row> ScopeRows = StrangerRows().Concat(FurtherScopeRows()).ToDictionary(row => row.Label);

    public static TheoryData<string> RoleRowLabels => Labels(RoleRows);

    public static TheoryData<string> ScopeRowLabels => Labels(ScopeRows);

    [SkippableFact]
    public void Every_rpc_of_every_service_has_a_row_saying_who_may_call_it()
    {
        Skip.If(node.SkipReason is not null, node.SkipReason);
        var generated = typeof(DeclarationService).Assembly.GetTypes()
            .Select(type => type.GetProperty("Descriptor", BindingFlags.Public | BindingFlags.Static))
            .Where(property => property?.PropertyType == typeof(ServiceDescriptor))
            .Select(property => ((ServiceDescriptor)property!.GetValue(null)!).FullName)
            .Order(StringComparer.Ordinal);
        Assert.Equal(Services.Select(s => s.FullName).Order(StringComparer.Ordinal), generated);

        var methods = Services.SelectMany(s => s.Methods).Select(m => m.FullName).Order(StringComparer.Ordinal).ToList();
        var catalogued = RpcCatalogue.All.Select(r => r.Method.FullName).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(methods, catalogued); // neither an RPC without a row nor a row twice

        foreach (var rpc in RpcCatalogue.All)
        {
            Assert.Contains(RoleRows.Values, row => row.Rpc == rpc && row.Caller == Caller.Anonymous);
            Assert.Equal(rpc.Stranger is not null, ScopeRows.Values.Any(row => row.Rpc == rpc && row.Request == rpc.Probe));
            var probe = rpc.Probe(node.Resources);
            Assert.Same(rpc.Method.InputType, probe.Descriptor);
        }
    }

    [SkippableTheory]
    [MemberData(nameof(RoleRowLabels))]
    public Task An_rpc_refuses_every_role_but_its_own_and_callers_without_one_identity(string row) => RunAsync(RoleRows[row]);

    [SkippableTheory]
    [MemberData(nameof(ScopeRowLabels))]
    public Task An_rpc_refuses_to_reach_beyond_what_the_caller_owns_or_its_agreement_allows(string row) => RunAsync(ScopeRows[row]);

    [SkippableFact]
    public async Task Control_the_leak_check_finds_alphas_data_in_the_answer_to_alpha()
    {
        Skip.If(node.SkipReason is not null, node.SkipReason);
        var get = RpcCatalogue.Of(DeclarationService.Descriptor, "GetDeclaration");

        var answer = await RpcProbe.CallAsync(node.InvokerFor(Caller.In(Role.Filer)), get.Method, get.Probe(node.Resources));

        Assert.Null(answer.Error);
        var everything = answer.Everything();
        Assert.All(node.Resources.Secrets.Take(3), secret => Assert.Contains(secret, everything, StringComparison.Ordinal));
    }

    [SkippableFact]
    public async Task Control_a_filer_lists_and_watches_its_own_declarations_and_none_of_another_filers()
    {
        Skip.If(node.SkipReason is not null, node.SkipReason);
        var beta = node.Node.ClientFor(AuthorizationNode.Beta);
        var own = (await beta.SubmitDeclarationAsync(Support.Requests.Submit(AuthorizationNode.Beta, Probes.Declaration()))).Declaration;

        var listed = (await beta.ListDeclarationsAsync(new ListDeclarationsRequest { Parent = "filers/beta" })).Declarations;
        var watched = await Enforcement.EnforcementFlow.WatchUntilAsync(beta, AuthorizationNode.Beta, own.Name, DeclarationEventType.Accepted);

        Assert.All(listed, d => Assert.StartsWith("filers/beta/", d.Name, StringComparison.Ordinal));
        Assert.Contains(listed, d => d.Name == own.Name);
        Assert.All(watched, e => Assert.Equal(own.Name, e.Declaration));
        var everything = string.Join('\n', listed.Select(RpcProbe.TextOf).Concat(watched.Select(RpcProbe.TextOf)));
        Assert.All(node.Resources.Secrets, secret => Assert.DoesNotContain(secret, everything, StringComparison.Ordinal));
    }

    [SkippableFact]
    public async Task Control_an_agency_lists_what_was_flagged_to_it_and_another_agency_lists_none_of_it()
    {
        Skip.If(node.SkipReason is not null, node.SkipReason);
        var flagged = (await node.Node.AgencyClient(AuthorizationNode.FlaggedAgency).ListFlaggedDeclarationsAsync(
            new ListFlaggedDeclarationsRequest { Parent = AuthorizationNode.FlaggedAgencyName })).Declarations;
        var other = (await node.Node.AgencyClient(AuthorizationNode.OtherAgency).ListFlaggedDeclarationsAsync(
            new ListFlaggedDeclarationsRequest { Parent = $"agencies/{AuthorizationNode.OtherAgency}" })).Declarations;
        var subscriptions = (await node.Node.AgencyClient(AuthorizationNode.FlaggedAgency).ListSubscriptionsAsync(
            new ListSubscriptionsRequest { Parent = AuthorizationNode.FlaggedAgencyName })).Subscriptions;

        Assert.Contains(flagged, d => d.Name == node.Resources.Held.Name);
        Assert.Empty(other);
        Assert.Contains(subscriptions, s => s.Name == node.Resources.Subscription);
    }

    [SkippableFact]
    public async Task Control_a_partner_within_its_agreement_is_answered_where_others_are_refused()
    {
        Skip.If(node.SkipReason is not null, node.SkipReason);
        var be = new PartnerExchangeService.PartnerExchangeServiceClient(node.InvokerFor(Caller.Partner("BE")));

        var lookup = await be.LookupKnownShipperStatusAsync(new LookupKnownShipperStatusRequest { TraderIdentifier = AuthorizationNode.EnrolledIdentifier });
        var shared = await be.DeliverMessagesAsync(new DeliverMessagesRequest { Messages = { Probes.SharedDeclaration() } });
        var decided = await be.DeliverMessagesAsync(new DeliverMessagesRequest
        {
            Messages = { Probes.ReturnedDecision(node.Resources.BoundForBelgium.Name, "control-decision-1") },
        });

        Assert.True(lookup.KnownShipper);
        Assert.Equal(DeliveryOutcome.Applied, Assert.Single(shared.Acknowledgements).Outcome);
        Assert.Equal(DeliveryOutcome.Applied, Assert.Single(decided.Acknowledgements).Outcome);
        var seenByAlpha = (await node.Node.ClientFor(AuthorizationNode.Alpha).GetDeclarationAsync(
            new GetDeclarationRequest { Name = node.Resources.BoundForBelgium.Name })).Declaration;
        Assert.Equal("partners/BE", Assert.Single(seenByAlpha.PartnerDecisions).Administration);
    }

    private async Task RunAsync(Row row)
    {
        Skip.If(node.SkipReason is not null, node.SkipReason);
        var resources = node.Resources;
        var request = row.Request(resources);
        var sent = RpcProbe.TextOf(request);
        Assert.All(resources.Secrets, secret => Assert.DoesNotContain(secret, sent, StringComparison.Ordinal)); // what comes back came from the node

        var answer = await RpcProbe.CallAsync(node.InvokerFor(row.Caller), row.Rpc.Method, request);

        answer.ExpectRefusal(row.Expected);
        answer.ExpectNoneOf(resources.Secrets);
    }

    /// <summary>Each RPC's probe, sent by callers in the right role who own none of what it names.</summary>
    private static IEnumerable<Row> StrangerRows() =>
        from rpc in RpcCatalogue.All
        where rpc.Stranger is not null
        from stranger in Caller.StrangersIn(rpc.MayCall)
        select new Row($"{rpc} as {stranger}", rpc, stranger, rpc.Probe, rpc.Stranger!);

    private static IEnumerable<Row> FurtherScopeRows()
    {
        var beta = Caller.Filer(AuthorizationNode.Beta);
        var watch = RpcCatalogue.Of(DeclarationService.Descriptor, "WatchDeclarationEvents");
        var list = RpcCatalogue.Of(DeclarationService.Descriptor, "ListDeclarations");
        var get = RpcCatalogue.Of(DeclarationService.Descriptor, "GetDeclaration");
        var amend = RpcCatalogue.Of(DeclarationService.Descriptor, "AmendDeclaration");
        var cancel = RpcCatalogue.Of(DeclarationService.Descriptor, "CancelDeclaration");
        var respond = RpcCatalogue.Of(DeclarationService.Descriptor, "RespondToReferral");
        static string Beta(string name) => "filers/beta/" + name["filers/alpha/".Length..];

        // A filer: alpha's declaration from beta's own stream; alpha's ids under beta's own name
        // (the store is keyed by filer too); the every-filer wildcard officers use; alpha's page token.
        yield return new($"{watch} as filers/beta: its own stream, alpha's declaration", watch, beta,
            r => new WatchDeclarationEventsRequest { Parent = "filers/beta", Declaration = r.Held.Name, IncludeHistory = true }, Refusal.FilerMismatch);
        yield return new($"{get} as filers/beta: alpha's id under beta's name", get, beta,
            r => new GetDeclarationRequest { Name = Beta(r.Held.Name) }, Refusal.DeclarationNotFound);
        yield return new($"{amend} as filers/beta: alpha's id under beta's name", amend, beta,
            r => new AmendDeclarationRequest { Declaration = Probes.Declaration(Beta(r.Held.Name)), Etag = r.Held.Etag }, Refusal.DeclarationNotFound);
        yield return new($"{cancel} as filers/beta: alpha's id under beta's name", cancel, beta,
            r => new CancelDeclarationRequest { Name = Beta(r.Held.Name), Etag = r.Held.Etag, Reason = "Probe." }, Refusal.DeclarationNotFound);
        yield return new($"{respond} as filers/beta: alpha's referral under beta's name", respond, beta,
            r => new RespondToReferralRequest { Name = Beta(r.Referral), Response = Probes.Information() }, Refusal.DeclarationNotFound);
        var getConsignment = RpcCatalogue.Of(ConsignmentService.Descriptor, "GetConsignment");
        var houses = RpcCatalogue.Of(ConsignmentService.Descriptor, "ListConsignmentHouses");
        var arrival = RpcCatalogue.Of(ConsignmentService.Descriptor, "NotifyConsignmentArrival");
        static string BetaConsignment(string name) => "filers/beta/" + name["filers/alpha/".Length..];
        yield return new($"{getConsignment} as filers/beta: alpha's consignment id under beta's name", getConsignment, beta,
            r => new GetConsignmentRequest { Name = BetaConsignment(r.Consignment) }, Refusal.ResourceNotFound);
        yield return new($"{houses} as filers/beta: alpha's consignment id under beta's name", houses, beta,
            r => new ListConsignmentHousesRequest { Parent = BetaConsignment(r.Consignment) }, Refusal.ResourceNotFound);
        yield return new($"{arrival} as filers/beta: alpha's consignment id under beta's name", arrival, beta,
            r => new NotifyConsignmentArrivalRequest
            {
                Name = BetaConsignment(r.Consignment), ArriveTime = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow),
            }, Refusal.ResourceNotFound);
        yield return new($"{list} as filers/beta: every filer", list, beta,
            _ => new ListDeclarationsRequest { Parent = "filers/-" }, Refusal.ValidationFailed);
        yield return new($"{watch} as filers/beta: every filer", watch, beta,
            _ => new WatchDeclarationEventsRequest { Parent = "filers/-", IncludeHistory = true }, Refusal.ValidationFailed);
        yield return new($"{list} as filers/beta: alpha's page token", list, beta,
            r => new ListDeclarationsRequest { Parent = "filers/beta", PageToken = r.AlphaPageToken }, Refusal.InvalidPageToken);
        // The owner of partners' copies is no filer anyone can call as; nor is a caller naming two filers.
        yield return new($"{get} as filers/partner-be", get, Caller.Filer("partner-be"),
            _ => new GetDeclarationRequest { Name = "filers/partner-be/declarations/0192aaaa" }, Refusal.Unauthenticated);
        var twoFilers = new Caller("filers/beta and filers/alpha (the filer header twice)",
            [(DevelopmentHeaderIdentityResolver.FilerHeader, AuthorizationNode.Beta), (DevelopmentHeaderIdentityResolver.FilerHeader, AuthorizationNode.Alpha)]);
        yield return new($"{get} as {twoFilers}", get, twoFilers, get.Probe, Refusal.Unauthenticated);

        // An agency: a declaration not flagged to it does not exist for it, the same answer as one that does not exist at all.
        var other = Caller.Agency(AuthorizationNode.OtherAgency);
        var place = RpcCatalogue.Of(AgencyService.Descriptor, "PlaceAgencyHold");
        var lift = RpcCatalogue.Of(AgencyService.Descriptor, "LiftAgencyHold");
        yield return new($"{place} as {other}: a declaration not flagged to it", place, other,
            r => new PlaceAgencyHoldRequest { Declaration = r.Held.Name, Agency = other.Name, Reason = "Probe." }, Refusal.DeclarationNotFound);
        yield return new($"{lift} as {other}: a declaration not flagged to it", lift, other,
            r => new LiftAgencyHoldRequest { Declaration = r.Held.Name, Agency = other.Name }, Refusal.DeclarationNotFound);
        yield return new($"{place} as {other}: a declaration that does not exist", place, other,
            _ => new PlaceAgencyHoldRequest { Declaration = "filers/alpha/declarations/0000aaaa", Agency = other.Name, Reason = "Probe." },
            Refusal.DeclarationNotFound);

        // A partner: decisions only from a partner this node accepts decisions from, and only on what was shared with it.
        var deliver = RpcCatalogue.Of(PartnerExchangeService.Descriptor, "DeliverMessages");
        DeliverMessagesRequest Decision(string source, string messageId) => new() { Messages = { Probes.ReturnedDecision(source, messageId) } };
        foreach (var partner in Caller.StrangersIn(Role.Partner))
        {
            yield return new($"{deliver} as {partner}: a decision on alpha's declaration shared with BE", deliver, partner,
                r => Decision(r.BoundForBelgium.Name, "stranger-decision-1"), Refusal.AgreementNotPermitted);
        }
        var be = Caller.Partner("BE");
        yield return new($"{deliver} as {be}: a decision on alpha's declaration not shared with it", deliver, be,
            r => Decision(r.Held.Name, "unshared-decision-1"), Refusal.DeclarationNotFound);
        yield return new($"{deliver} as {be}: a decision on a declaration that does not exist", deliver, be,
            _ => Decision("filers/alpha/declarations/0000aaaa", "missing-decision-1"), Refusal.DeclarationNotFound);
        yield return new($"{deliver} as {be}: a decision on a declaration of a filer that does not exist", deliver, be,
            _ => Decision("filers/nobody/declarations/0000aaaa", "missing-decision-2"), Refusal.DeclarationNotFound);
        yield return new($"{deliver} as partners/be (not an administration code)", deliver, Caller.Partner("be"),
            deliver.Probe, Refusal.Unauthenticated);
        // LU's agreement admits its decisions only: not its declarations, not its look-ups, not decisions on what went elsewhere.
        var lu = Caller.Partner("LU");
        var lookup = RpcCatalogue.Of(PartnerExchangeService.Descriptor, "LookupKnownShipperStatus");
        yield return new($"{deliver} as {lu}: a declaration", deliver, lu, deliver.Probe, Refusal.AgreementNotPermitted);
        yield return new($"{lookup} as {lu}", lookup, lu, lookup.Probe, Refusal.AgreementNotPermitted);
        yield return new($"{deliver} as {lu}: a decision on alpha's declaration shared with BE", deliver, lu,
            r => Decision(r.BoundForBelgium.Name, "elsewhere-decision-1"), Refusal.DeclarationNotFound);
        yield return new($"{deliver} as {lu}: a decision on alpha's declaration bound for LU but never shared with it", deliver, lu,
            r => Decision(r.BoundForLuxembourg.Name, "unshared-decision-2"), Refusal.DeclarationNotFound);
    }

    private static TheoryData<string> Labels(IReadOnlyDictionary<string, Row> rows)
    {
        var data = new TheoryData<string>();
        foreach (var label in rows.Keys)
        {
            data.Add(label);
        }
        return data;
    }

    /// <summary>One row of the matrix: who calls which RPC with what, and the refusal it must get.</summary>
    private sealed record Row(string Label, Rpc Rpc, Caller Caller, Func<Resources, IMessage> Request, Refusal Expected);
}

/// <summary>The matrix on the embedded store, SQLite.</summary>
public sealed class AuthorizationMatrixTests(AuthorizationNode node) : AuthorizationMatrix<AuthorizationNode>(node), IClassFixture<AuthorizationNode>;

/// <summary>The matrix on PostgreSQL, the scale-out store.</summary>
public sealed class AuthorizationMatrixOnPostgresTests(PostgresAuthorizationNode node)
    : AuthorizationMatrix<PostgresAuthorizationNode>(node), IClassFixture<PostgresAuthorizationNode>;
