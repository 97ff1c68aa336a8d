namespace Hub.Configuration;

/// <summary>hub.transport: what drives each accepted socket.</summary>
public enum HubTransport
{
    /// <summary>Akka.IO: its TcpListener accepts, a TcpConnection actor per socket reads and writes.</summary>
    AkkaIo,

    /// <summary>Hub's own transport over System.Net.Sockets: no Akka.IO actor per connection, idle sockets parked
    /// with a zero-byte receive (no receive buffer held), sends that complete at once cost no message.</summary>
    Sockets,
}
