namespace Hub.Messages;

/// <summary>
/// Tell a connection to close. To an HTTP connection's actor (<see cref="RequestHandler.ConnectionRef"/>): an idle
/// connection closes at once, a busy one after the response in progress (which then carries Connection: close).
/// To a WebSocket's outbox (<see cref="WebSocketHandler.Outbox"/>): the closing handshake starts with
/// <see cref="Code"/> and <see cref="Reason"/>.
/// </summary>
public sealed record CloseConnection(ushort Code = 1000, string? Reason = null)
{
    public static readonly CloseConnection Instance = new();
}
