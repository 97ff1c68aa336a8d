namespace Hub.Dispatch;

/// <summary>
/// <c>hub.connection-dispatcher</c> (reference.conf): where each connection's actors run — the connection actor and its
/// stream interpreter, and Akka.IO's connection actor when the host points <c>akka.io.tcp.worker-dispatcher</c> here
/// (Hub.Host does). The .NET thread pool like Akka's default dispatcher, with <see cref="CompactMailbox"/>: tens of
/// thousands of mostly idle actors should not each hold a 1 KB mailbox segment.
/// </summary>
public static class ConnectionDispatcher
{
    public const string Id = "hub.connection-dispatcher";
}
