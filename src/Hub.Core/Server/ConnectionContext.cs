using System.Net.Sockets;
using Akka.Actor;
using Akka.Streams;
using Hub.WebSockets;

namespace Hub.Server;

/// <summary>
/// What one connection's stages need that differs per connection — its socket (Akka.IO's connection or a Socket), the connection actor, the
/// signals and the HTTP→WebSocket switch — carried as an attribute of one materialization. It lets every connection
/// run the same pre-fused blueprint (<see cref="ConnectionGraph"/>) instead of building and fusing a graph per accept.
/// </summary>
internal sealed class ConnectionContext(TransportHandle transport, IActorRef actor, ConnectionSignals signals) : Attributes.IAttribute
{
    /// <summary>Akka.IO's connection actor (hub.transport = akka-io).</summary>
    public IActorRef Tcp => transport.AkkaIo ?? throw new InvalidOperationException("this connection has no Akka.IO connection actor");

    /// <summary>The accepted socket (hub.transport = sockets).</summary>
    public Socket Socket => transport.Socket ?? throw new InvalidOperationException("this connection has no Socket");

    public IActorRef Actor { get; } = actor;

    public ConnectionSignals Signals { get; } = signals;

    /// <summary>Shared by the HTTP decoder (stops parsing after the 101) and the WebSocket stage (flips it).</summary>
    public ProtocolSwitch Switch { get; } = new();

    /// <summary>The context a stage's logic was materialized with; a stage built without its own refs needs one.</summary>
    public static ConnectionContext Of(Attributes attributes, string stage) =>
        attributes.GetAttribute<ConnectionContext>(null!)
        ?? throw new InvalidOperationException($"{stage} was materialized without a {nameof(ConnectionContext)} attribute");

    public bool Equals(Attributes.IAttribute? other) => ReferenceEquals(this, other);
}
