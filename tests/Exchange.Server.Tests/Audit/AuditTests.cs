using System.Net;
using System.Text.Json;
using Exchange.Contracts.Audit.V1;
using Exchange.Contracts.Declaration.V1;
using Exchange.Server.Identity;
using Exchange.Server.Tests.Support;
using Exchange.Testing;
using Exchange.Testing.Hosting;
using Grpc.Core;
using Grpc.Health.V1;

namespace Exchange.Server.Tests.Audit;

/// <summary>The audit log end to end: calls of every role recorded by the interceptor, read back by an officer.</summary>
public sealed class AuditTests : IDisposable
{
    private const string Filer = "post-nl";
    private const string Stranger = "someone-else";
    private const string OfficerId = "officer-visser";

    private const string DeclarationService = "/exchange.declaration.v1.DeclarationService/";
    private const string ListAuditRecords = "/exchange.audit.v1.AuditService/ListAuditRecords";

    private readonly ExchangeNode _node = new(settings: AuditLog.QuickFlush);
    private readonly AuditLog _log;

    public AuditTests() => _log = new AuditLog(_node, OfficerId);

    public void Dispose() => _node.Dispose();

    private static (string Actor, string Action, string Resource, string Outcome, string Detail) Shape(AuditRecord record) =>
        (record.Actor, record.Action, record.Resource, record.Outcome, record.Detail);

    [Fact]
    public async Task A_filer_s_calls_an_officer_s_read_and_a_refusal_are_recorded_newest_first()
    {
        var filer = _node.ClientFor(Filer);
        var accepted = await filer.SubmitAsync(Filer);
        await filer.GetDeclarationAsync(new GetDeclarationRequest { Name = accepted.Name });
        await filer.ListDeclarationsAsync(new ListDeclarationsRequest { Parent = $"filers/{Filer}" });
        await filer.AmendDeclarationAsync(new AmendDeclarationRequest
        {
            Declaration = new Declaration(accepted) { Remarks = "amended" }, Etag = accepted.Etag,
        });
        await RpcErrors.ExpectAsync(StatusCode.PermissionDenied, "FILER_MISMATCH",
            () => _node.ClientFor(Stranger).GetDeclarationAsync(new GetDeclarationRequest { Name = accepted.Name }).ResponseAsync);
        await _node.OfficerClient(OfficerId).GetDeclarationAsync(new Contracts.Enforcement.V1.GetDeclarationRequest { Name = accepted.Name });

        var records = await _log.AwaitAsync(new ListAuditRecordsRequest { ResourcePrefix = $"filers/{Filer}" }, 6);

        Assert.Equal(
            [
                (_log.Officer, "/exchange.enforcement.v1.EnforcementService/GetDeclaration", accepted.Name, "OK", ""),
                ($"filers/{Stranger}", DeclarationService + "GetDeclaration", accepted.Name, "PERMISSION_DENIED", ""),
                ($"filers/{Filer}", DeclarationService + "AmendDeclaration", accepted.Name, "OK", ""),
                ($"filers/{Filer}", DeclarationService + "ListDeclarations", $"filers/{Filer}", "OK", ""),
                ($"filers/{Filer}", DeclarationService + "GetDeclaration", accepted.Name, "OK", ""),
                ($"filers/{Filer}", DeclarationService + "SubmitDeclaration", $"filers/{Filer}", "OK", ""),
            ],
            records.Select(Shape));
        var sequences = records.Select(r => long.Parse(r.Name["auditRecords/".Length..], System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(sequences.OrderDescending(), sequences);
        Assert.All(records, r => Assert.InRange(r.Time.ToDateTimeOffset(), DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddMinutes(1)));
    }

    [Fact]
    public async Task A_caller_that_cannot_be_identified_is_recorded_as_anonymous()
    {
        await RpcErrors.ExpectAsync(StatusCode.Unauthenticated, "CALLER_UNAUTHENTICATED",
            () => _node.ClientFor(null).ListDeclarationsAsync(new ListDeclarationsRequest { Parent = $"filers/{Filer}" }).ResponseAsync);

        var record = Assert.Single(await _log.AwaitOfAsync("anonymous", 1));

        Assert.Equal(("anonymous", DeclarationService + "ListDeclarations", $"filers/{Filer}", "UNAUTHENTICATED", ""), Shape(record));
    }

    [Fact]
    public async Task The_officer_filters_by_actor_and_pages_through_the_log_newest_first()
    {
        var filer = _node.ClientFor(Filer);
        var accepted = await filer.SubmitAsync(Filer);
        await _node.ClientFor(Stranger).SubmitAsync(Stranger);
        for (var i = 0; i < 4; i++)
        {
            await filer.GetDeclarationAsync(new GetDeclarationRequest { Name = accepted.Name });
        }
        var all = await _log.AwaitOfAsync($"filers/{Filer}", 5);

        var paged = new List<AuditRecord>();
        var request = new ListAuditRecordsRequest { Actor = $"filers/{Filer}", PageSize = 2 };
        do
        {
            var page = await _log.Client.ListAuditRecordsAsync(request);
            Assert.InRange(page.AuditRecords.Count, 1, 2);
            paged.AddRange(page.AuditRecords);
            request.PageToken = page.NextPageToken;
        }
        while (request.PageToken != "");

        Assert.Equal(all, paged);
        Assert.Equal([.. Enumerable.Repeat(DeclarationService + "GetDeclaration", 4), DeclarationService + "SubmitDeclaration"], all.Select(r => r.Action));
        Assert.All(all, r => Assert.Equal($"filers/{Filer}", r.Actor));

        var otherFilters = new ListAuditRecordsRequest { Actor = $"filers/{Stranger}", PageSize = 2, PageToken = (await _log.Client.ListAuditRecordsAsync(
            new ListAuditRecordsRequest { Actor = $"filers/{Filer}", PageSize = 2 })).NextPageToken };
        await RpcErrors.ExpectAsync(StatusCode.InvalidArgument, "INVALID_PAGE_TOKEN", () => _log.Client.ListAuditRecordsAsync(otherFilters).ResponseAsync);

        var byResource = await _log.AwaitAsync(new ListAuditRecordsRequest { ResourcePrefix = $"filers/{Stranger}" }, 1);
        Assert.Equal([($"filers/{Stranger}", DeclarationService + "SubmitDeclaration", $"filers/{Stranger}", "OK", "")], byResource.Select(Shape));
    }

    [Fact]
    public async Task Only_officers_read_the_log_and_refused_reads_are_recorded_too()
    {
        var asFiler = new AuditService.AuditServiceClient(_node.CallInvokerAs(DevelopmentHeaderIdentityResolver.FilerHeader, Filer));
        var asAgency = new AuditService.AuditServiceClient(_node.CallInvokerAs(DevelopmentHeaderIdentityResolver.AgencyHeader, "fda"));

        await RpcErrors.ExpectAsync(StatusCode.PermissionDenied, "ROLE_NOT_PERMITTED",
            () => asFiler.ListAuditRecordsAsync(new ListAuditRecordsRequest()).ResponseAsync);
        await RpcErrors.ExpectAsync(StatusCode.PermissionDenied, "ROLE_NOT_PERMITTED",
            () => asAgency.ListAuditRecordsAsync(new ListAuditRecordsRequest()).ResponseAsync);

        Assert.Equal([($"filers/{Filer}", ListAuditRecords, "", "PERMISSION_DENIED", "")], (await _log.AwaitOfAsync($"filers/{Filer}", 1)).Select(Shape));
        Assert.Equal([("agencies/fda", ListAuditRecords, "", "PERMISSION_DENIED", "")], (await _log.AwaitOfAsync("agencies/fda", 1)).Select(Shape));
        // The officer's own reads (the polls above) are in the log as well.
        Assert.Contains((await _log.AwaitOfAsync(_log.Officer, 1)), r => Shape(r) == (_log.Officer, ListAuditRecords, "", "OK", ""));
    }

    [Fact]
    public async Task A_request_with_wrong_filters_is_refused_with_every_problem_named()
    {
        var status = await RpcErrors.ExpectAsync(StatusCode.InvalidArgument, "VALIDATION_FAILED",
            () => _log.Client.ListAuditRecordsAsync(new ListAuditRecordsRequest
            {
                PageSize = -5,
                Actor = "filers/a\u0000",
                StartTime = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow),
                EndTime = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddDays(-1)),
            }).ResponseAsync);

        Assert.Equal(["page_size", "actor", "end_time"], RpcErrors.ViolatedFields(status));
    }

    [Fact]
    public async Task The_log_is_served_as_JSON()
    {
        await _node.ClientFor(Filer).SubmitAsync(Filer);
        await _log.AwaitOfAsync($"filers/{Filer}", 1);
        var http = _node.CreateClient();
        http.DefaultRequestHeaders.Add(DevelopmentHeaderIdentityResolver.OfficerHeader, "json-officer");

        var response = await http.GetAsync($"/v1/auditRecords?actor=filers/{Filer}&pageSize=10");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        var record = Assert.Single(json.GetProperty("auditRecords").EnumerateArray());
        Assert.Equal(DeclarationService + "SubmitDeclaration", record.GetProperty("action").GetString());
        Assert.Equal("OK", record.GetProperty("outcome").GetString());
        Assert.StartsWith("auditRecords/", record.GetProperty("name").GetString(), StringComparison.Ordinal);
        // A call over JSON is audited under its gRPC method, like any other.
        Assert.Equal([("officers/json-officer", ListAuditRecords, "", "OK", "")], (await _log.AwaitOfAsync("officers/json-officer", 1)).Select(Shape));

        var anonymous = await _node.CreateClient().GetAsync("/v1/auditRecords");
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
    }

    [Fact]
    public async Task A_bulk_stream_is_recorded_once_with_the_number_of_messages_read()
    {
        using (var call = _node.ClientFor(Filer).BulkSubmitDeclarations())
        {
            var reading = Task.Run(async () =>
            {
                var answers = 0;
                await foreach (var _ in call.ResponseStream.ReadAllAsync())
                {
                    answers++;
                }
                return answers;
            });
            for (var i = 0; i < 3; i++)
            {
                await call.RequestStream.WriteAsync(new BulkSubmitDeclarationsRequest
                {
                    Parent = $"filers/{Filer}", Declaration = SampleDeclarations.PostalGift(), RequestId = Guid.NewGuid().ToString(),
                });
            }
            await call.RequestStream.CompleteAsync();
            Assert.Equal(3, await reading);
        }

        var record = Assert.Single(await _log.AwaitOfAsync($"filers/{Filer}", 1));

        Assert.Equal(($"filers/{Filer}", DeclarationService + "BulkSubmitDeclarations", $"filers/{Filer}", "OK", "messages_read=3"), Shape(record));
    }

    [Fact]
    public async Task Health_checks_are_not_recorded()
    {
        var health = new Health.HealthClient(_node.CallInvokerFor(Filer));
        await health.CheckAsync(new HealthCheckRequest());
        await _node.ClientFor(Filer).ListDeclarationsAsync(new ListDeclarationsRequest { Parent = $"filers/{Filer}" });

        // The trail keeps the order: once the later call is in, the health check would be too.
        var records = await _log.AwaitOfAsync($"filers/{Filer}", 1);

        Assert.Equal([DeclarationService + "ListDeclarations"], records.Select(r => r.Action));
    }
}
