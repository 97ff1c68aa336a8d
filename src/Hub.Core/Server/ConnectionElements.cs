namespace Hub.Server;

/// <summary>
/// Base of every element that flows up a connection's stream to its actor: HTTP elements before an upgrade,
/// WebSocket elements after it.
/// </summary>
internal abstract class ConnectionInbound;

/// <summary>Base of every element the actor (or a room) sends down a connection's stream.</summary>
internal abstract class ConnectionOutbound;
