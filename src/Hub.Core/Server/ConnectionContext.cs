using Akka.Actor;
using Akka.Streams;
using Hub.WebSockets;

namespace Hub.Server;

/// <summary>
/// What one connection's stages need that differs per connection — the Akka.IO connection, the connection actor, the
/// signals and the HTTP→WebSocket switch — carried as an attribute of one materialization. It lets every connection
/// run the same pre-fused blueprint (<see cref="ConnectionGraph"/>) instead of building and fusing a graph per accept.
/// </summary>
internal sealed class ConnectionContext(IActorRef tcp, IActorRef actor, ConnectionSignals signals) : Attributes.IAttribute
{
    public IActorRef Tcp { get; } = tcp;

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
