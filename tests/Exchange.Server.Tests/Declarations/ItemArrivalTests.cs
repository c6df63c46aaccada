using Exchange.Contracts.Declaration.V1;
using Exchange.Contracts.Reporting.V1;
using Exchange.Server.Identity;
using Exchange.Server.Tests.Enforcement;
using Exchange.Server.Tests.Support;
using Exchange.Testing;
using Exchange.Testing.Hosting;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;

namespace Exchange.Server.Tests.Declarations;

/// <summary>
/// A post reporting arrivals by S10 identifier: a declared item's arrival is recorded on its
/// declaration; an undeclared one is recorded once as arrived with no advance data (US STOP Act)
/// and counted by the performance report.
/// </summary>
public sealed class ItemArrivalTests : IDisposable
{
    private const string Post = "post-nl";
    private readonly ExchangeNode _node = EnforcementFlow.AssessingNode();

    public void Dispose() => _node.Dispose();

    private static NotifyItemArrivalRequest Arrival(string item) => new()
    {
        Parent = $"filers/{Post}",
        ItemIdentifier = item,
        ArriveTime = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddMinutes(-1)),
        ArrivalOffice = "NL000396",
    };

    [Fact]
    public async Task A_declared_item_arrives_on_its_declaration_and_an_undeclared_one_is_counted_once_without_advance_data()
    {
        var post = _node.ClientFor(Post);
        var declared = await post.SubmitAndAwaitDecisionAsync(Post, SampleDeclarations.PostalGift());
        Assert.Equal("RB123456785CN", declared.TransportDocument.ItemIdentifier);

        var arrived = await post.NotifyItemArrivalAsync(Arrival("RB123456785CN"));
        Assert.False(arrived.AdvanceDataMissing);
        Assert.Equal(declared.Name, arrived.Declaration.Name);
        Assert.NotNull(arrived.Declaration.Clearance.ArriveTime);

        var missing = await post.NotifyItemArrivalAsync(Arrival("RB123456785GB"));
        var repeated = await post.NotifyItemArrivalAsync(Arrival("RB123456785GB"));
        Assert.True(missing.AdvanceDataMissing);
        Assert.Null(missing.Declaration);
        Assert.Equal(missing.RecordTime, repeated.RecordTime);

        var reports = new ReportingService.ReportingServiceClient(_node.CallInvokerAs(DevelopmentHeaderIdentityResolver.OfficerHeader, "officer-visser"));
        var today = new DateTimeOffset(DateTime.UtcNow.Date, TimeSpan.Zero);
        var request = new GetPerformanceReportRequest
        {
            Period = Period.Day,
            StartTime = Timestamp.FromDateTimeOffset(today.AddDays(-1)),
            EndTime = Timestamp.FromDateTimeOffset(today.AddDays(1)),
        };
        var total = (await reports.GetPerformanceReportAsync(request)).Total;
        Assert.Equal(1, total.PostalItemsWithoutAdvanceData);
        Assert.Equal(0.5, total.PostalNoAdvanceDataShare); // one declared postal item, one without data
        request.GroupBy = GroupBy.OriginCountry;
        var byOrigin = await reports.GetPerformanceReportAsync(request);
        Assert.Equal(1, byOrigin.Rows.Where(r => r.Group == "GB").Sum(r => r.Measures.PostalItemsWithoutAdvanceData));
        var target = Assert.Single((await reports.GetPerformanceReportAsync(new GetPerformanceReportRequest(request) { GroupBy = GroupBy.Unspecified })).Targets,
            t => t.Measure == "postal_no_advance_data_share");
        Assert.False(target.Met);
    }

    [Fact]
    public async Task Every_wrong_field_is_named_and_another_filer_is_refused()
    {
        var post = _node.ClientFor(Post);
        var invalid = await RpcErrors.ExpectAsync(StatusCode.InvalidArgument, "VALIDATION_FAILED",
            () => post.NotifyItemArrivalAsync(new NotifyItemArrivalRequest
            {
                Parent = $"filers/{Post}", ItemIdentifier = "RB123456789GB", ArrivalOffice = "X", RequestId = "nope",
            }).ResponseAsync);
        Assert.Equal(["item_identifier", "arrive_time", "arrival_office", "request_id"], RpcErrors.ViolatedFields(invalid));
        await RpcErrors.ExpectAsync(StatusCode.PermissionDenied, "FILER_MISMATCH",
            () => post.NotifyItemArrivalAsync(new NotifyItemArrivalRequest(Arrival("RB123456785GB")) { Parent = "filers/someone-else" }).ResponseAsync);
    }
}
