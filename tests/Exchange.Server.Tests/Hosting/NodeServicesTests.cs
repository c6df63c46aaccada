using Exchange.Testing.Hosting;
using Exchange.Server.Tests.Support;
using Grpc.Health.V1;
using Grpc.Net.Client;
using Grpc.Reflection.V1Alpha;

namespace Exchange.Server.Tests.Hosting;

public sealed class NodeServicesTests : IDisposable
{
    private readonly ExchangeNode _node = new();

    public void Dispose() => _node.Dispose();

    [Fact]
    public async Task The_health_service_reports_serving_once_the_store_answers()
    {
        var health = new Health.HealthClient(_node.CallInvokerFor(null));

        var reply = await health.CheckAsync(new HealthCheckRequest());

        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, reply.Status);
    }

    [Fact]
    public async Task Reflection_lists_the_declaration_service()
    {
        var reflection = new ServerReflection.ServerReflectionClient(_node.CallInvokerFor(null));
        using var call = reflection.ServerReflectionInfo();

        await call.RequestStream.WriteAsync(new ServerReflectionRequest { ListServices = "" });
        await call.RequestStream.CompleteAsync();
        Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None));

        var services = call.ResponseStream.Current.ListServicesResponse.Service.Select(s => s.Name).ToList();
        Assert.Contains("exchange.declaration.v1.DeclarationService", services);
        Assert.Contains("grpc.health.v1.Health", services);
    }
}
