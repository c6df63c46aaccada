using System.Collections.Concurrent;
using Exchange.Contracts.Declaration.V1;
using Exchange.Contracts.Enforcement.V1;
using Exchange.Server.Identity;
using Exchange.Server.Tests.Enforcement;
using Exchange.Server.Tests.Support;
using Exchange.Testing;
using Exchange.Testing.Hosting;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Grpc.Core.Interceptors;
using ListDeclarationsRequest = Exchange.Contracts.Declaration.V1.ListDeclarationsRequest;

namespace Exchange.Server.Tests.Authorization;

/// <summary>
/// The node every row of the matrix calls: administration NL, assessing at once, with partner
/// BE (declarations and decisions both ways, known-shipper look-ups), partner FR (an agreement
/// that receives nothing) and partner LU (decisions received, nothing sent). On it, what the rows
/// try to reach: filer alpha's declarations (one held with a referral and flagged to agency
/// food-safety, one bound for BE and shared with it, one bound for LU and shared with no one),
/// a page token of alpha's list, food-safety's subscription, and a programme with an enrolment.
/// Nothing listens at the partners' endpoint: deliveries to BE fail and back off, unnoticed.
/// </summary>
public class AuthorizationNode : IAsyncLifetime
{
    public const string Alpha = "alpha";
    public const string AlphaParent = "filers/" + Alpha;
    public const string Beta = "beta";
    public const string Officer = "officer-visser";
    public const string FlaggedAgency = "food-safety";
    public const string FlaggedAgencyName = "agencies/" + FlaggedAgency;
    public const string OtherAgency = "fda";
    public const string EnrolledIdentifier = "NL000000042";
    private const string EnrolledTrader = "Alphasecret Trading B.V.";

    private readonly ConcurrentDictionary<string, CallInvoker> _invokers = new();
    private Resources? _resources;

    private ExchangeNode? _node;

    public ExchangeNode Node => _node ?? throw new InvalidOperationException("The node is not started yet.");

    /// <summary>Why the matrix cannot run on this fixture's store here (e.g. no PostgreSQL), or null.</summary>
    public virtual string? SkipReason => null;

    /// <summary>The store the node runs on: its own SQLite file unless a subclass says otherwise.</summary>
    protected virtual Task<IDictionary<string, string?>> StoreSettingsAsync() => Task.FromResult<IDictionary<string, string?>>(new Dictionary<string, string?>());

    public Resources Resources => _resources ?? throw new InvalidOperationException("The node is not set up yet.");

    /// <summary>A call invoker that sends <paramref name="caller"/>'s identity headers, one per caller.</summary>
    public CallInvoker InvokerFor(Caller caller) =>
        _invokers.GetOrAdd(caller.Name, _ => Node.CallInvokerAs(null, null).Intercept(metadata =>
        {
            foreach (var (header, value) in caller.Headers)
            {
                metadata.Add(header, value);
            }
            return metadata;
        }));

    public async Task InitializeAsync()
    {
        if (SkipReason is not null)
        {
            return;
        }
        var settings = Settings();
        foreach (var (key, value) in await StoreSettingsAsync())
        {
            settings[key] = value;
        }
        _node = new ExchangeNode(settings: settings);
        var registry = Node.KnownShipperClient(Officer);
        await registry.CreateProgrammeAsync(new CreateProgrammeRequest
        {
            ProgrammeId = "nl-aeo",
            Programme = new Programme { Type = ProgrammeType.KnownShipper, IssuingAdministration = "NL", DisplayName = "NL AEO" },
        });
        var enrolment = (await registry.CreateEnrolmentAsync(new CreateEnrolmentRequest
        {
            Parent = "programmes/nl-aeo",
            EnrolmentId = "alphasecret",
            Enrolment = new Enrolment
            {
                TraderName = EnrolledTrader,
                TraderIdentifier = EnrolledIdentifier,
                ValidFrom = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddDays(-1)),
            },
        })).Enrolment;
        var subscription = (await Node.AgencyClient(FlaggedAgency).CreateSubscriptionAsync(new CreateSubscriptionRequest
        {
            Parent = FlaggedAgencyName,
            SubscriptionId = "audio",
            Subscription = new Subscription { HsPrefixes = { "8518" }, Description = "Radio equipment conformity" },
        })).Subscription;

        var alpha = Node.ClientFor(Alpha);
        var held = await alpha.SubmitAndAwaitDecisionAsync(Alpha, HeldWithReferral());
        if (held.Status != DeclarationStatus.Held || held.Referrals.Count == 0)
        {
            throw new InvalidOperationException($"The undervalued sale should be held with a referral; it is {held.Status} with {held.Referrals.Count}.");
        }
        var boundForBelgium = await alpha.SubmitAsync(Alpha, BoundFor("BE", "ALPHA-SECRET-LRN-2", "Quirijn Alphasecret"));
        var boundForLuxembourg = await alpha.SubmitAsync(Alpha, BoundFor("LU", "ALPHA-SECRET-LRN-3", "Roosmarijn Alphasecret"));
        var page = await alpha.ListDeclarationsAsync(new ListDeclarationsRequest { Parent = AlphaParent, PageSize = 1 });
        // Alpha as carrier of the master its held house names.
        var consignment = (await new ConsignmentService.ConsignmentServiceClient(Node.CallInvokerFor(Alpha)).CreateConsignmentAsync(
            new CreateConsignmentRequest
            {
                Parent = AlphaParent,
                ConsignmentId = "alpha-master",
                Consignment = Probes.Consignment(masterDocument: held.TransportDocument.MasterWaybill),
            })).Consignment;

        _resources = new Resources(
            held,
            boundForBelgium,
            boundForLuxembourg,
            page.NextPageToken,
            subscription.Name,
            "programmes/nl-aeo",
            enrolment.Name,
            consignment.Name,
            [
                held.LocalReferenceNumber, held.Consignee.Name, held.CustomsReference,
                boundForBelgium.LocalReferenceNumber, boundForBelgium.Consignee.Name, boundForBelgium.CustomsReference,
                boundForLuxembourg.LocalReferenceNumber, boundForLuxembourg.Consignee.Name, boundForLuxembourg.CustomsReference,
                EnrolledTrader,
            ]);
    }

    public virtual Task DisposeAsync()
    {
        _node?.Dispose();
        return Task.CompletedTask;
    }

    /// <summary>Undervalued, so the assessor holds it with a request for information.</summary>
    private static Declaration HeldWithReferral()
    {
        var declaration = SampleDeclarations.Undervalued("ALPHA-SECRET-LRN-1");
        declaration.Consignee.Name = "Petronella Alphasecret";
        return declaration;
    }

    private static Declaration BoundFor(string destination, string localReference, string consignee)
    {
        var declaration = SampleDeclarations.PostalGift(localReference);
        declaration.Transport.DestinationCountryCode = destination;
        declaration.Consignee.Name = consignee;
        return declaration;
    }

    private static Dictionary<string, string?> Settings()
    {
        var settings = new Dictionary<string, string?>(ExchangeNode.AssessAtOnce)
        {
            ["Exchange:Administration:CountryCode"] = "NL",
            ["Exchange:PartnerExchange:Partners:BE:Endpoint"] = "http://127.0.0.1:9",
            ["Exchange:PartnerExchange:Partners:BE:Send:0"] = "Declarations",
            ["Exchange:PartnerExchange:Partners:BE:Send:1"] = "Decisions",
            ["Exchange:PartnerExchange:Partners:BE:Receive:0"] = "Declarations",
            ["Exchange:PartnerExchange:Partners:BE:Receive:1"] = "Decisions",
            ["Exchange:PartnerExchange:Partners:BE:Receive:2"] = "KnownShipperLookups",
            // FR is a partner whose agreement lets this node receive nothing from it.
            ["Exchange:PartnerExchange:Partners:FR:Endpoint"] = "http://127.0.0.1:9",
            // LU may return decisions, but this node shares no declaration with it.
            ["Exchange:PartnerExchange:Partners:LU:Endpoint"] = "http://127.0.0.1:9",
            ["Exchange:PartnerExchange:Partners:LU:Receive:0"] = "Decisions",
            // Every caller the node cannot name shares one small bucket, and the matrix makes a
            // hundred such calls in a second: unlimited here, so each gets its refusal, not RATE_LIMITED.
            ["Exchange:RateLimits:Anonymous:PermitsPerSecond"] = "0",
        };
        return settings;
    }
}

/// <summary>The same node on PostgreSQL (a database of its own), so the matrix holds on both stores.</summary>
public sealed class PostgresAuthorizationNode : AuthorizationNode
{
    private PostgresTestDatabase? _database;

    public override string? SkipReason => PostgresTestDatabase.SkipReason;

    protected override async Task<IDictionary<string, string?>> StoreSettingsAsync()
    {
        _database = await PostgresTestDatabase.CreateAsync();
        return new Dictionary<string, string?>
        {
            ["Exchange:Store:Provider"] = "Postgres",
            ["Exchange:Store:ConnectionString"] = _database.ConnectionString,
        };
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
    }
}

/// <summary>What the rows name, and what no one but its owner may ever be told (<see cref="Secrets"/>).</summary>
/// <param name="Held">Alpha's declaration bound for NL, held with an open referral, flagged to food-safety (as alpha sees it).</param>
/// <param name="BoundForBelgium">Alpha's declaration bound for BE, shared with BE.</param>
/// <param name="BoundForLuxembourg">Alpha's declaration bound for LU, never shared: the agreement with LU sends nothing.</param>
/// <param name="AlphaPageToken">The token of the second page of alpha's list.</param>
/// <param name="Subscription">Food-safety's subscription.</param>
/// <param name="Programme">A programme of the node's registry.</param>
/// <param name="Enrolment">An enrolment in it.</param>
/// <param name="Consignment">Alpha's master consignment, which alpha's held declaration names.</param>
/// <param name="Secrets">Alpha's local reference numbers, consignee names and customs references; the enrolled trader's name.</param>
public sealed record Resources(
    Declaration Held,
    Declaration BoundForBelgium,
    Declaration BoundForLuxembourg,
    string AlphaPageToken,
    string Subscription,
    string Programme,
    string Enrolment,
    string Consignment,
    IReadOnlyList<string> Secrets)
{
    /// <summary>The held declaration's first referral.</summary>
    public string Referral => Held.Referrals[0].Name;

    /// <summary>The held declaration's id (the last segment of its name).</summary>
    public string HeldId => Held.Name[(Held.Name.LastIndexOf('/') + 1)..];
}

/// <summary>A caller: the development identity headers it sends (none: anonymous).</summary>
public sealed record Caller(string Name, IReadOnlyList<(string Header, string Value)> Headers)
{
    public static Caller Anonymous { get; } = new("nobody (no identity header)", []);

    /// <summary>Claims two roles at once: not an identity at all.</summary>
    public static Caller FilerAndOfficer { get; } = new(
        $"filers/{AuthorizationNode.Alpha} and officers/{AuthorizationNode.Officer}",
        [(DevelopmentHeaderIdentityResolver.FilerHeader, AuthorizationNode.Alpha), (DevelopmentHeaderIdentityResolver.OfficerHeader, AuthorizationNode.Officer)]);

    public static Caller Filer(string id) => new($"filers/{id}", [(DevelopmentHeaderIdentityResolver.FilerHeader, id)]);

    public static Caller Officer(string id) => new($"officers/{id}", [(DevelopmentHeaderIdentityResolver.OfficerHeader, id)]);

    public static Caller Agency(string id) => new($"agencies/{id}", [(DevelopmentHeaderIdentityResolver.AgencyHeader, id)]);

    public static Caller Partner(string code) => new($"partners/{code}", [(DevelopmentHeaderIdentityResolver.PartnerHeader, code)]);

    /// <summary>
    /// The caller who tries a role's RPCs from another role: the owner of the probed resources
    /// where there is one (alpha, food-safety, BE with every agreement), so a refusal shows it is
    /// the role, not the ownership, that is checked.
    /// </summary>
    public static Caller In(Role role) => role switch
    {
        Role.Filer => Filer(AuthorizationNode.Alpha),
        Role.Officer => Officer(AuthorizationNode.Officer),
        Role.Agency => Agency(AuthorizationNode.FlaggedAgency),
        Role.Partner => Partner("BE"),
        _ => throw new ArgumentOutOfRangeException(nameof(role)),
    };

    /// <summary>Callers in <paramref name="role"/> that own none of what the probes name.</summary>
    public static IReadOnlyList<Caller> StrangersIn(Role role) => role switch
    {
        Role.Filer => [Filer(AuthorizationNode.Beta)],
        Role.Agency => [Agency(AuthorizationNode.OtherAgency)],
        // FR is a partner whose agreement allows nothing of this; DE is no partner; NL is this node itself.
        Role.Partner => [Partner("FR"), Partner("DE"), Partner("NL")],
        _ => [],
    };

    public override string ToString() => Name;
}
