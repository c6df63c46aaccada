using Exchange.Conformance.Checks;
using Exchange.Conformance.Runner;
using Exchange.Conformance.Samples;
using Exchange.Conformance.Tests.Support;
using Exchange.Contracts.Declaration.V1;
using Exchange.Testing.Hosting;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;

namespace Exchange.Conformance.Tests;

/// <summary>
/// The node a newcomer gets: started exactly as README.md's command 1 starts it, nothing
/// changed (no assessment delay: declarations are decided on arrival). The kit passes every
/// check against it, and a declaration goes through both lifecycles end to end.
/// </summary>
public sealed class DefaultNodeTests(DefaultNodeTests.DefaultNode node) : IClassFixture<DefaultNodeTests.DefaultNode>
{
    private const string Filer = "journey-filer";

    [Fact]
    public async Task Every_check_of_the_kit_passes_against_the_default_node()
    {
        var run = await KitReport.RunAsync(["--target", "127.0.0.1:5080"]);

        Assert.True(run.ExitCode == ExitCodes.AllPassed, $"{run.Describe()}{Environment.NewLine}--- server ---{Environment.NewLine}{node.Process.Output}");
        Assert.Contains($"{CheckCatalog.All.Count} passed, 0 failed", run.Lines);
    }

    [Fact]
    public async Task A_declaration_is_assessed_at_once_stays_amendable_and_is_released_on_arrival()
    {
        using var channel = node.Process.OpenChannel();
        var client = new DeclarationService.DeclarationServiceClient(channel);
        var headers = new Metadata { { "x-exchange-filer", Filer } };

        var submitted = (await client.SubmitDeclarationAsync(new SubmitDeclarationRequest
        {
            Parent = $"filers/{Filer}", Declaration = ConformanceSamples.PostalGift($"JOURNEY-{Guid.NewGuid():N}"[..22]), RequestId = Guid.NewGuid().ToString(),
        }, headers)).Declaration;
        // Decided on arrival: the risk analysis is complete (ICS2 IE3N03), the goods are not released.
        Assert.Equal(DeclarationStatus.Assessed, submitted.Status);
        Assert.Equal(SecurityAssessmentState.Complete, submitted.SecurityAssessment.State);
        Assert.Equal(ClearanceState.Lodged, submitted.Clearance.State);

        var change = submitted.Clone();
        change.Remarks = "Corrected before loading";
        var amended = (await client.AmendDeclarationAsync(new AmendDeclarationRequest { Declaration = change, Etag = submitted.Etag }, headers)).Declaration;
        // Analysed again, at once: the answer is the new assessment.
        Assert.Equal(DeclarationStatus.Assessed, amended.Status);
        Assert.Equal(submitted.Revision + 2, amended.Revision);
        Assert.Equal("Corrected before loading", amended.Remarks);

        var arriveTime = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddMinutes(-3));
        var released = (await client.NotifyArrivalAsync(new NotifyArrivalRequest
        {
            Name = submitted.Name, ArriveTime = arriveTime, ArrivalOffice = "DE004851", ConveyanceReference = "CA931",
        }, headers)).Declaration;
        Assert.Equal(DeclarationStatus.Released, released.Status);
        Assert.Equal(ClearanceState.Released, released.Clearance.State);
        Assert.Equal(arriveTime, released.Clearance.ArriveTime);
        Assert.NotNull(released.Clearance.ReleaseTime);

        var refusal = await Assert.ThrowsAsync<RpcException>(() => client.AmendDeclarationAsync(
            new AmendDeclarationRequest { Declaration = change, Etag = released.Etag }, headers).ResponseAsync);
        Assert.Equal(StatusCode.FailedPrecondition, refusal.StatusCode);

        using var watch = client.WatchDeclarationEvents(new WatchDeclarationEventsRequest
        {
            Parent = $"filers/{Filer}", Declaration = submitted.Name, IncludeHistory = true,
        }, headers, deadline: DateTime.UtcNow.AddSeconds(30));
        var events = new List<DeclarationEvent>();
        while (events.Count < 6 && await watch.ResponseStream.MoveNext())
        {
            events.Add(watch.ResponseStream.Current.Event);
        }
        Assert.Equal(
            [
                (DeclarationEventType.Accepted, DeclarationStatus.Accepted, ClearanceState.Lodged),
                (DeclarationEventType.Decided, DeclarationStatus.Assessed, ClearanceState.Lodged),
                (DeclarationEventType.Amended, DeclarationStatus.Accepted, ClearanceState.Lodged),
                (DeclarationEventType.Decided, DeclarationStatus.Assessed, ClearanceState.Lodged),
                (DeclarationEventType.Arrived, DeclarationStatus.Assessed, ClearanceState.Arrived),
                (DeclarationEventType.StatusChanged, DeclarationStatus.Released, ClearanceState.Released),
            ],
            events.Select(e => (e.Type, e.Status, e.ClearanceState)));
    }

    /// <summary>One default node for the class: it listens on the README's fixed ports, so no other test may start one.</summary>
    public sealed class DefaultNode : IAsyncLifetime
    {
        public ServerProcess Process { get; private set; } = null!;

        public async Task InitializeAsync() => Process = await ServerProcess.StartAsReadmeQuickStartAsync();

        public Task DisposeAsync()
        {
            Process?.Dispose();
            return Task.CompletedTask;
        }
    }
}
