using Exchange.Conformance.Assertions;
using Exchange.Conformance.Samples;
using Exchange.Contracts.Declaration.V1;
using EnforcementService = Exchange.Contracts.Enforcement.V1.EnforcementService;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Grpc.Net.Client;

namespace Exchange.Conformance.Runner;

/// <summary>
/// What one check works with: clients calling as the kit's filer, as the other filer, as a customs
/// officer and as nobody (every call with its deadline, see <see cref="CallDefaults"/>), fresh references that
/// no earlier run used, and setup steps whose failure makes the check an ERROR rather than a FAIL.
/// </summary>
public sealed class CheckContext
{
    private readonly KitRun _run;

    internal CheckContext(KitOptions options, GrpcChannel channel, KitRun run, CancellationToken cancellation)
    {
        _run = run;
        Filer = options.Filer;
        OtherFiler = options.OtherFiler;
        CallTimeout = options.CallTimeout;
        Cancellation = cancellation;
        Invoker = channel.Intercept(new CallDefaults(options.IdentityHeader, Filer, CallTimeout, cancellation));
        Client = new DeclarationService.DeclarationServiceClient(Invoker);
        OtherClient = new DeclarationService.DeclarationServiceClient(
            channel.Intercept(new CallDefaults(options.IdentityHeader, OtherFiler, CallTimeout, cancellation)));
        AnonymousClient = new DeclarationService.DeclarationServiceClient(
            channel.Intercept(new CallDefaults(null, null, CallTimeout, cancellation)));
        Consignments = new ConsignmentService.ConsignmentServiceClient(Invoker);
        OtherConsignments = new ConsignmentService.ConsignmentServiceClient(
            channel.Intercept(new CallDefaults(options.IdentityHeader, OtherFiler, CallTimeout, cancellation)));
        Revenue = new RevenueService.RevenueServiceClient(Invoker);
        OtherRevenue = new RevenueService.RevenueServiceClient(
            channel.Intercept(new CallDefaults(options.IdentityHeader, OtherFiler, CallTimeout, cancellation)));
        Officer = options.Officer;
        Enforcement = new EnforcementService.EnforcementServiceClient(
            channel.Intercept(new CallDefaults(options.OfficerHeader, Officer, CallTimeout, cancellation)));
        EnforcementAsFiler = new EnforcementService.EnforcementServiceClient(Invoker);
    }

    /// <summary>The filer the kit calls as.</summary>
    public string Filer { get; }

    /// <summary>Another filer, which must not see or touch <see cref="Filer"/>'s declarations.</summary>
    public string OtherFiler { get; }

    /// <summary><c>filers/{Filer}</c>.</summary>
    public string Parent => $"filers/{Filer}";

    /// <summary>Calls as <see cref="Filer"/>.</summary>
    public DeclarationService.DeclarationServiceClient Client { get; }

    /// <summary>Calls as <see cref="OtherFiler"/>.</summary>
    public DeclarationService.DeclarationServiceClient OtherClient { get; }

    /// <summary>Calls without any identity.</summary>
    public DeclarationService.DeclarationServiceClient AnonymousClient { get; }

    /// <summary>ConsignmentService as <see cref="Filer"/>, the carrier of the consignment checks.</summary>
    public ConsignmentService.ConsignmentServiceClient Consignments { get; }

    /// <summary>ConsignmentService as <see cref="OtherFiler"/>.</summary>
    public ConsignmentService.ConsignmentServiceClient OtherConsignments { get; }

    /// <summary>RevenueService (beta) as <see cref="Filer"/>.</summary>
    public RevenueService.RevenueServiceClient Revenue { get; }

    /// <summary>RevenueService (beta) as <see cref="OtherFiler"/>.</summary>
    public RevenueService.RevenueServiceClient OtherRevenue { get; }

    /// <summary>The customs officer the disposition checks call as.</summary>
    public string Officer { get; }

    /// <summary>EnforcementService as <see cref="Officer"/>.</summary>
    public EnforcementService.EnforcementServiceClient Enforcement { get; }

    /// <summary>EnforcementService as <see cref="Filer"/>, whose calls an officer's service refuses.</summary>
    public EnforcementService.EnforcementServiceClient EnforcementAsFiler { get; }

    /// <summary>Raw calls (any method, any marshaller) as <see cref="Filer"/>.</summary>
    public CallInvoker Invoker { get; }

    /// <summary>The deadline of each call, also how long the kit waits for an expected stream event.</summary>
    public TimeSpan CallTimeout { get; }

    /// <summary>Cancelled when the check runs out of time (or the kit is interrupted).</summary>
    public CancellationToken Cancellation { get; }

    /// <summary>Shown after PASS, e.g. which status code a refusal used when the contract leaves it open.</summary>
    public string? Note { get; set; }

    /// <summary>A Local Reference Number no other check and no earlier run has used.</summary>
    public string NewLrn() => _run.NewLrn();

    /// <summary>A consignment id (AIP-122) no other check and no earlier run has used, e.g. ck-ab3def7g-004.</summary>
    public string NewConsignmentId() => NewLrn().ToLowerInvariant();

    /// <summary>A fresh AIP-155 request id.</summary>
    public static string NewRequestId() => Guid.NewGuid().ToString();

    /// <summary>A Submit request of <see cref="Filer"/> with a fresh request id (a postal gift with a fresh LRN by default).</summary>
    public SubmitDeclarationRequest SubmitRequest(Declaration? declaration = null) => new()
    {
        Parent = Parent,
        Declaration = declaration ?? ConformanceSamples.PostalGift(NewLrn()),
        RequestId = NewRequestId(),
    };

    /// <summary>Setup: submits a valid declaration as <see cref="Filer"/>.</summary>
    public Task<Declaration> SubmitAsync(Declaration? declaration = null) =>
        SetupAsync("SubmitDeclaration of a valid declaration", async () =>
            (await Client.SubmitDeclarationAsync(SubmitRequest(declaration))).Declaration);

    /// <summary>Setup: submits a valid declaration as <see cref="OtherFiler"/>.</summary>
    public Task<Declaration> SubmitAsOtherFilerAsync() =>
        SetupAsync("SubmitDeclaration of a valid declaration as the other filer", async () =>
            (await OtherClient.SubmitDeclarationAsync(new SubmitDeclarationRequest
            {
                Parent = $"filers/{OtherFiler}",
                Declaration = ConformanceSamples.PostalGift(NewLrn()),
                RequestId = NewRequestId(),
            })).Declaration);

    /// <summary>An arrival of <paramref name="declaration"/>'s goods two minutes ago at NL000396, with a fresh request id.</summary>
    public static NotifyArrivalRequest ArrivalRequest(Declaration declaration) => new()
    {
        Name = declaration.Name,
        ArriveTime = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddMinutes(-2)),
        ArrivalOffice = "NL000396",
        RequestId = NewRequestId(),
    };

    /// <summary>Setup: notifies the arrival of <paramref name="filed"/>'s goods (<see cref="ArrivalRequest"/>); returns the declaration after it.</summary>
    public Task<Declaration> ArriveAsync(Declaration filed) =>
        SetupAsync("NotifyArrival", async () => (await Client.NotifyArrivalAsync(ArrivalRequest(filed))).Declaration);

    /// <summary>Setup: amends <paramref name="current"/> with its etag.</summary>
    public Task<Declaration> AmendAsync(Declaration current, Action<Declaration> change)
    {
        var amended = current.Clone();
        change(amended);
        return SetupAsync("AmendDeclaration with the current etag", async () =>
            (await Client.AmendDeclarationAsync(new AmendDeclarationRequest { Declaration = amended, Etag = current.Etag })).Declaration);
    }

    /// <summary>Setup: cancels <paramref name="current"/> with its etag.</summary>
    public Task<Declaration> CancelAsync(Declaration current, string reason = "Order cancelled by the buyer") =>
        SetupAsync("CancelDeclaration with the current etag", async () =>
            (await Client.CancelDeclarationAsync(new CancelDeclarationRequest { Name = current.Name, Etag = current.Etag, Reason = reason })).Declaration);

    /// <summary>Every declaration of <see cref="Filer"/> with this reference (and status), following every page.</summary>
    public Task<List<Declaration>> ListAllAsync(string reference, DeclarationStatus status = DeclarationStatus.Unspecified) =>
        SetupAsync("ListDeclarations", async () =>
        {
            var all = new List<Declaration>();
            var request = new ListDeclarationsRequest { Parent = Parent, Reference = reference, Status = status, PageSize = 100 };
            for (var page = 0; page < 100; page++)
            {
                var response = await Client.ListDeclarationsAsync(request);
                all.AddRange(response.Declarations);
                if (response.NextPageToken == "")
                {
                    return all;
                }
                request.PageToken = response.NextPageToken;
            }
            throw new CheckFailedException("ListDeclarations never returned an empty next_page_token (100 pages).");
        });

    /// <summary>Runs a step the check needs but does not judge: if the node refuses it, the check is an ERROR naming the step.</summary>
    public static async Task<T> SetupAsync<T>(string step, Func<Task<T>> call)
    {
        try
        {
            return await call();
        }
        catch (RpcException error) when (error.StatusCode != StatusCode.Cancelled)
        {
            throw new CheckSetupException($"setup step {step} failed: {RpcErrorText.Describe(error)}");
        }
    }
}

/// <summary>What all checks of one run share: the run id that makes every reference unique.</summary>
internal sealed class KitRun
{
    private int _counter;

    /// <summary>8 characters, so repeated runs against one node never meet each other's references.</summary>
    public string Id { get; } = new(Random.Shared.GetItems("ABCDEFGHJKLMNPQRSTUVWXYZ23456789".AsSpan(), 8));

    /// <summary>CK-{run}-{nnn}: 15 characters, within the LRN's 22 (letters, digits and '-').</summary>
    public string NewLrn() => $"CK-{Id}-{Interlocked.Increment(ref _counter):D3}";
}
