namespace Hub.Messages;

/// <summary>
/// Tell a connection's actor (<see cref="RequestHandler.ConnectionRef"/>) to close: an idle HTTP connection closes
/// at once, a busy one after the response in progress (which then carries <c>Connection: close</c>).
/// </summary>
public sealed class CloseConnection
{
    public static readonly CloseConnection Instance = new();
}
