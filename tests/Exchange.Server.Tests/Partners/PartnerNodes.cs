using Exchange.Contracts.Partner.V1;
using Exchange.Core.Partners;
using Exchange.Server.Identity;
using Exchange.Testing.Hosting;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;

namespace Exchange.Server.Tests.Partners;

/// <summary>
/// Two administrations in one process: node NL and node BE, each the other's partner (declarations
/// and decisions both ways), their outboxes delivered through in-memory channels that a test can
/// cut (<see cref="LoopbackChannel.Down"/>). Real stores, real delivery loops.
/// </summary>
internal sealed class PartnerNodes : IDisposable
{
    public PartnerNodes(IDictionary<string, string?>? nl = null, IDictionary<string, string?>? be = null, string[]? withheldFromBe = null)
    {
        ToBe = new LoopbackChannel("NL", () => Be!);
        ToNl = new LoopbackChannel("BE", () => Nl!);
        Nl = new ExchangeNode(settings: Settings("NL", "BE", nl, withheldFromBe ?? []))
        {
            TestServices = services => services.AddSingleton<IPartnerChannel>(ToBe),
        };
        Be = new ExchangeNode(settings: Settings("BE", "NL", be, []))
        {
            TestServices = services => services.AddSingleton<IPartnerChannel>(ToNl),
        };
        _ = Nl.Server;
        _ = Be.Server;
    }

    public ExchangeNode Nl { get; }

    public ExchangeNode Be { get; }

    /// <summary>NL's way to BE.</summary>
    public LoopbackChannel ToBe { get; }

    /// <summary>BE's way to NL.</summary>
    public LoopbackChannel ToNl { get; }

    public void Dispose()
    {
        Nl.Dispose();
        Be.Dispose();
    }

    private static Dictionary<string, string?> Settings(string own, string partner, IDictionary<string, string?>? extra, string[] withheld)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Exchange:Administration:CountryCode"] = own,
            [$"Exchange:PartnerExchange:Partners:{partner}:Endpoint"] = "http://127.0.0.1:9",
            [$"Exchange:PartnerExchange:Partners:{partner}:Send:0"] = "Declarations",
            [$"Exchange:PartnerExchange:Partners:{partner}:Send:1"] = "Decisions",
            [$"Exchange:PartnerExchange:Partners:{partner}:Receive:0"] = "Declarations",
            [$"Exchange:PartnerExchange:Partners:{partner}:Receive:1"] = "Decisions",
            [$"Exchange:PartnerExchange:Partners:{partner}:Receive:2"] = "KnownShipperLookups",
            ["Exchange:PartnerExchange:PollInterval"] = "00:00:00.100",
            ["Exchange:PartnerExchange:InitialBackoff"] = "00:00:00.100",
            ["Exchange:PartnerExchange:MaxBackoff"] = "00:00:00.500",
        };
        for (var i = 0; i < withheld.Length; i++)
        {
            settings[$"Exchange:PartnerExchange:Partners:{partner}:WithheldFields:{i}"] = withheld[i];
        }
        foreach (var (key, value) in extra ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }
        return settings;
    }

    /// <summary>Delivers to an in-memory node as partner <paramref name="caller"/>; down, it fails like an unreachable node.</summary>
    internal sealed class LoopbackChannel(string caller, Func<ExchangeNode> target) : IPartnerChannel
    {
        private int _deliveries;
        private bool _down;

        public bool Down
        {
            get => Volatile.Read(ref _down);
            set => Volatile.Write(ref _down, value);
        }

        public int Deliveries => Volatile.Read(ref _deliveries);

        public PartnerExchangeService.PartnerExchangeServiceClient Client() =>
            new(target().CallInvokerAs(DevelopmentHeaderIdentityResolver.PartnerHeader, caller));

        public async Task<IReadOnlyList<MessageAcknowledgement>> DeliverAsync(
            PartnerAgreement partner, IReadOnlyList<PartnerMessage> messages, CancellationToken cancellationToken)
        {
            if (Down)
            {
                throw new PartnerUnreachableException("Unavailable: the test cut the line");
            }
            Interlocked.Increment(ref _deliveries);
            try
            {
                var response = await Client().DeliverMessagesAsync(new DeliverMessagesRequest { Messages = { messages } }, cancellationToken: cancellationToken);
                return response.Acknowledgements;
            }
            catch (RpcException error)
            {
                throw new PartnerUnreachableException($"{error.StatusCode}: {error.Status.Detail}", error);
            }
        }
    }
}
