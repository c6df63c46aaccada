using Exchange.Contracts.Declaration.V1;
using Exchange.Server.Tests.Support;
using Exchange.Testing.Hosting;
using Grpc.Core;

namespace Exchange.Server.Tests.Enforcement;

/// <summary>Helpers for tests of a node that assesses at once: wait for the decision on the watch stream.</summary>
internal static class EnforcementFlow
{
    /// <summary>The declaration's events from its acceptance on, until the <paramref name="count"/>th of type <paramref name="until"/> arrives.</summary>
    public static async Task<List<DeclarationEvent>> WatchUntilAsync(
        this DeclarationService.DeclarationServiceClient client, string filerId, string declaration, DeclarationEventType until, int count = 1)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var call = client.WatchDeclarationEvents(new WatchDeclarationEventsRequest
        {
            Parent = $"filers/{filerId}",
            Declaration = declaration,
            IncludeHistory = true,
        }, cancellationToken: timeout.Token);
        var events = new List<DeclarationEvent>();
        while (await call.ResponseStream.MoveNext(timeout.Token))
        {
            events.Add(call.ResponseStream.Current.Event);
            if (call.ResponseStream.Current.Event.Type == until && --count == 0)
            {
                return events;
            }
        }
        throw new InvalidOperationException("The watch ended before the awaited event.");
    }

    /// <summary>Submits and waits for the assessor's decision; returns the decided declaration as the filer sees it.</summary>
    public static async Task<Declaration> SubmitAndAwaitDecisionAsync(
        this DeclarationService.DeclarationServiceClient client, string filerId, Declaration declaration)
    {
        var accepted = await client.SubmitAsync(filerId, declaration);
        await client.WatchUntilAsync(filerId, accepted.Name, DeclarationEventType.Decided);
        return (await client.GetDeclarationAsync(new Contracts.Declaration.V1.GetDeclarationRequest { Name = accepted.Name })).Declaration;
    }

    /// <summary>Notifies that the declaration's goods arrived a minute ago; returns the declaration after it.</summary>
    public static async Task<Declaration> ArriveAsync(this DeclarationService.DeclarationServiceClient client, string declaration) =>
        (await client.NotifyArrivalAsync(new NotifyArrivalRequest
        {
            Name = declaration,
            ArriveTime = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddMinutes(-1)),
            ArrivalOffice = "NL000396",
            ConveyanceReference = "KL1234",
        })).Declaration;

    public static ExchangeNode AssessingNode(IDictionary<string, string?>? extra = null)
    {
        var settings = ExchangeNode.AssessAtOnce;
        foreach (var (key, value) in extra ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }
        return new ExchangeNode(settings: settings);
    }

    public static Task<Google.Rpc.Status> ExpectAsync<T>(StatusCode code, string reason, AsyncUnaryCall<T> call) =>
        RpcErrors.ExpectAsync(code, reason, () => call.ResponseAsync);
}
