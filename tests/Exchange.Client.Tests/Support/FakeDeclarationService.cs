using System.Collections.Concurrent;
using System.Globalization;
using Exchange.Contracts.Declaration.V1;
using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Grpc.Core;

namespace Exchange.Client.Tests.Support;

/// <summary>
/// A stand-in node for the client's own tests: just enough behaviour to prove what the client
/// sends and how it prints the answers (the real node is tested end to end elsewhere). It
/// refuses any declaration whose LRN contains "-X" or "INVALID", with a rich error as the
/// contract defines, and records every request and filer header it received.
/// </summary>
public sealed class FakeDeclarationService : DeclarationService.DeclarationServiceBase
{
    private readonly ConcurrentDictionary<string, Declaration> store = new();
    private readonly ConcurrentDictionary<string, Declaration> byRequestId = new();
    private int sequence;

    public ConcurrentQueue<string> FilerHeaders { get; } = new();

    public ConcurrentQueue<string> RequestIds { get; } = new();

    public ConcurrentQueue<WatchDeclarationEventsRequest> WatchRequests { get; } = new();

    public ConcurrentQueue<CancelDeclarationRequest> CancelRequests { get; } = new();

    public ConcurrentQueue<AmendDeclarationRequest> AmendRequests { get; } = new();

    /// <summary>The status a submission is answered with (a real node may answer RELEASED, e.g. when it replays an earlier result).</summary>
    public DeclarationStatus SubmitStatus { get; set; } = DeclarationStatus.Accepted;

    /// <summary>What each watch connection delivers, in order; the last connection then stays open.</summary>
    public List<WatchScript> WatchScripts { get; } = [];

    public IReadOnlyCollection<Declaration> Stored => store.Values.ToList();

    public static Google.Rpc.Status ValidationError(params (string Field, string Description)[] violations) => new()
    {
        Code = (int)Code.InvalidArgument,
        Message = $"The request has {violations.Length} invalid field(s); see the field violations.",
        Details =
        {
            Any.Pack(new ErrorInfo { Reason = "VALIDATION_FAILED", Domain = "exchange.ecommerce-customs.org" }),
            Any.Pack(new BadRequest
            {
                FieldViolations = { violations.Select(v => new BadRequest.Types.FieldViolation { Field = v.Field, Description = v.Description }) },
            }),
        },
    };

    public override Task<SubmitDeclarationResponse> SubmitDeclaration(SubmitDeclarationRequest request, ServerCallContext context)
    {
        Authenticate(context);
        var outcome = Accept(request.Parent, request.Declaration, request.RequestId);
        return outcome.Accepted is { } accepted
            ? Task.FromResult(new SubmitDeclarationResponse { Declaration = accepted })
            : throw outcome.Error!.ToRpcException();
    }

    public override Task<GetDeclarationResponse> GetDeclaration(GetDeclarationRequest request, ServerCallContext context)
    {
        Authenticate(context);
        return Task.FromResult(new GetDeclarationResponse { Declaration = Find(request.Name) });
    }

    public override Task<ListDeclarationsResponse> ListDeclarations(ListDeclarationsRequest request, ServerCallContext context)
    {
        Authenticate(context);
        var all = store.Values
            .Where(d => request.Status == DeclarationStatus.Unspecified || d.Status == request.Status)
            .OrderBy(d => d.Name, StringComparer.Ordinal)
            .ToList();
        var start = request.PageToken.Length == 0 ? 0 : int.Parse(request.PageToken, CultureInfo.InvariantCulture);
        var size = request.PageSize == 0 ? 50 : request.PageSize;
        var response = new ListDeclarationsResponse { Declarations = { all.Skip(start).Take(size) } };
        if (start + size < all.Count)
        {
            response.NextPageToken = (start + size).ToString(CultureInfo.InvariantCulture);
        }
        return Task.FromResult(response);
    }

    public override Task<AmendDeclarationResponse> AmendDeclaration(AmendDeclarationRequest request, ServerCallContext context)
    {
        Authenticate(context);
        AmendRequests.Enqueue(request);
        var current = Find(request.Declaration.Name);
        CheckEtag(current, request.Etag);
        var amended = request.Declaration.Clone();
        amended.CustomsReference = current.CustomsReference;
        amended.Status = current.Status;
        Bump(amended, current.Revision);
        store[amended.Name] = amended;
        return Task.FromResult(new AmendDeclarationResponse { Declaration = amended });
    }

    public override Task<CancelDeclarationResponse> CancelDeclaration(CancelDeclarationRequest request, ServerCallContext context)
    {
        Authenticate(context);
        CancelRequests.Enqueue(request);
        var current = Find(request.Name);
        CheckEtag(current, request.Etag);
        var cancelled = current.Clone();
        cancelled.Status = DeclarationStatus.Cancelled;
        Bump(cancelled, current.Revision);
        store[cancelled.Name] = cancelled;
        return Task.FromResult(new CancelDeclarationResponse { Declaration = cancelled });
    }

    public override async Task BulkSubmitDeclarations(
        IAsyncStreamReader<BulkSubmitDeclarationsRequest> requestStream,
        IServerStreamWriter<BulkSubmitDeclarationsResponse> responseStream,
        ServerCallContext context)
    {
        Authenticate(context);
        long index = 0;
        await foreach (var request in requestStream.ReadAllAsync(context.CancellationToken))
        {
            var outcome = Accept(request.Parent, request.Declaration, request.RequestId);
            var response = new BulkSubmitDeclarationsResponse { Index = index++, RequestId = request.RequestId };
            if (outcome.Accepted is { } accepted)
            {
                response.Declaration = accepted;
            }
            else
            {
                response.Error = outcome.Error;
            }
            await responseStream.WriteAsync(response, context.CancellationToken);
        }
    }

    public override async Task WatchDeclarationEvents(
        WatchDeclarationEventsRequest request,
        IServerStreamWriter<WatchDeclarationEventsResponse> responseStream,
        ServerCallContext context)
    {
        Authenticate(context);
        WatchRequests.Enqueue(request.Clone());
        var connection = WatchRequests.Count - 1;
        var script = connection < WatchScripts.Count ? WatchScripts[connection] : new WatchScript([], DropAfterwards: false);
        foreach (var cursor in script.Cursors)
        {
            await responseStream.WriteAsync(new WatchDeclarationEventsResponse
            {
                Event = new DeclarationEvent
                {
                    Cursor = cursor,
                    Declaration = $"{request.Parent}/declarations/d-{cursor}",
                    Type = DeclarationEventType.Accepted,
                    Status = DeclarationStatus.Accepted,
                    Revision = 1,
                    EventTime = Timestamp.FromDateTime(new DateTime(2026, 3, 1, 12, 0, 0, DateTimeKind.Utc)),
                    LocalReferenceNumber = $"LRN-{cursor}",
                },
            });
        }
        if (script.DropAfterwards)
        {
            throw new RpcException(new Grpc.Core.Status(StatusCode.Unavailable, "connection dropped by the test"));
        }
        await Task.Delay(Timeout.Infinite, context.CancellationToken);
    }

    /// <summary>Stores a declaration directly, as if submitted earlier.</summary>
    public Declaration Seed(string filer, Declaration declaration) =>
        Accept($"filers/{filer}", declaration, Guid.NewGuid().ToString()).Accepted!;

    private (Declaration? Accepted, Google.Rpc.Status? Error) Accept(string parent, Declaration declaration, string requestId)
    {
        RequestIds.Enqueue(requestId);
        if (byRequestId.TryGetValue(requestId, out var first))
        {
            return (first, null);
        }
        var lrn = declaration.LocalReferenceNumber;
        if (lrn.Contains("-X", StringComparison.Ordinal) || lrn.Contains("INVALID", StringComparison.Ordinal))
        {
            return (null, ValidationError(
                ("declaration.local_reference_number", $"The test node refuses '{lrn}'."),
                ("declaration.items[0].hs_code", "Must be 6 to 10 digits.")));
        }
        var accepted = declaration.Clone();
        accepted.Name = $"{parent}/declarations/d-{Interlocked.Increment(ref sequence):0000}";
        accepted.CustomsReference = "26DE000000000000X1";
        accepted.Status = SubmitStatus;
        Bump(accepted, 0);
        accepted.CreateTime = Timestamp.FromDateTime(new DateTime(2026, 3, 1, 12, 0, 0, DateTimeKind.Utc));
        store[accepted.Name] = accepted;
        byRequestId[requestId] = accepted;
        return (accepted, null);
    }

    private static void Bump(Declaration declaration, long revision)
    {
        declaration.Revision = revision + 1;
        declaration.Etag = $"etag-{declaration.Revision}";
    }

    private Declaration Find(string name) => store.TryGetValue(name, out var found)
        ? found
        : throw new Google.Rpc.Status
        {
            Code = (int)Code.NotFound,
            Message = $"Declaration '{name}' was not found.",
            Details = { Any.Pack(new ErrorInfo { Reason = "DECLARATION_NOT_FOUND", Domain = "exchange.ecommerce-customs.org" }) },
        }.ToRpcException();

    private static void CheckEtag(Declaration current, string etag)
    {
        if (current.Etag != etag)
        {
            throw new Google.Rpc.Status
            {
                Code = (int)Code.Aborted,
                Message = "The declaration changed since that etag was issued.",
                Details = { Any.Pack(new ErrorInfo { Reason = "ETAG_MISMATCH", Domain = "exchange.ecommerce-customs.org" }) },
            }.ToRpcException();
        }
    }

    private void Authenticate(ServerCallContext context)
    {
        var filer = context.RequestHeaders.GetValue("x-exchange-filer")
            ?? throw new RpcException(new Grpc.Core.Status(StatusCode.Unauthenticated, "No x-exchange-filer header."));
        FilerHeaders.Enqueue(filer);
    }
}

/// <summary>One watch connection of the fake: the cursors it delivers, then whether it drops.</summary>
public sealed record WatchScript(IReadOnlyList<string> Cursors, bool DropAfterwards);
