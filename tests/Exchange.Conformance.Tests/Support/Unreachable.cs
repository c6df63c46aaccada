using System.Net;
using System.Net.Sockets;

namespace Exchange.Conformance.Tests.Support;

/// <summary>A loopback port nobody listens on (free a moment ago): connections to it are refused.</summary>
public static class Unreachable
{
    public static int Port()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
