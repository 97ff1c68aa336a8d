using System.Net;
using System.Net.Sockets;
using Hub.Configuration;

namespace Hub.Host;

/// <summary>
/// Tries the listening address before the ActorSystem binds it. A port in use then gives the operator one line
/// ("cannot bind 127.0.0.1:8888: Address already in use") instead of Akka.IO's bind-failure log with its stack
/// trace. Akka's bind still decides: a port taken in between fails there, with the same one-line error.
/// </summary>
internal static class PortProbe
{
    public static void EnsureBindable(ServerSettings server)
    {
        // Port 0 always binds; host names are resolved by HubServer and reported by it.
        if (server.Port == 0) return;
        IPAddress? address = server.Hostname == "localhost" ? IPAddress.Loopback
            : IPAddress.TryParse(server.Hostname, out var ip) ? ip : null;
        if (address is null) return;
        var endpoint = new IPEndPoint(address, server.Port);
        using var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            socket.Bind(endpoint);
        }
        catch (SocketException e)
        {
            throw new HostStartupException($"cannot bind {endpoint}: {e.Message}", e);
        }
    }
}
