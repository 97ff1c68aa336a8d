using System.Net;
using System.Net.Sockets;
using Akka.Actor;

namespace Hub.Server;

/// <summary>Messages of the <see cref="ListenerActor"/>.</summary>
internal static class ListenerProtocol
{
    /// <summary>Refuse new connections (accepted and aborted at once); the port stays bound, open connections carry on.</summary>
    public sealed class StopAccepting : INoSerializationVerificationNeeded
    {
        public static readonly StopAccepting Instance = new();
    }

    public sealed class StoppedAccepting : INoSerializationVerificationNeeded
    {
        public static readonly StoppedAccepting Instance = new();
    }

    /// <summary>Release the port (Tcp.Unbind). Akka.IO closes every connection accepted on it.</summary>
    public sealed class Unbind : INoSerializationVerificationNeeded
    {
        public static readonly Unbind Instance = new();
    }

    /// <summary>Graceful stop: refuse new connections, ask every open one to finish its response and close, and
    /// unbind once the last is gone. Replies <see cref="Drained"/> then.</summary>
    public sealed class Drain : INoSerializationVerificationNeeded
    {
        public static readonly Drain Instance = new();
    }

    /// <summary>Connection → listener: its last response is out; the socket may still be lingering.</summary>
    public sealed class StreamEnded : INoSerializationVerificationNeeded
    {
        public static readonly StreamEnded Instance = new();
    }

    /// <summary>Replies <see cref="Unbound"/> once the port is released (after a drain, when the last lingering
    /// socket closes or the grace period ends), without forcing it.</summary>
    public sealed class WhenUnbound : INoSerializationVerificationNeeded
    {
        public static readonly WhenUnbound Instance = new();
    }

    /// <summary>The drain is over but sockets still linger: unbind now (it resets them).</summary>
    internal sealed class LingerGraceElapsed : INoSerializationVerificationNeeded
    {
        public static readonly LingerGraceElapsed Instance = new();
    }

    public sealed class Drained : INoSerializationVerificationNeeded
    {
        public static readonly Drained Instance = new();
    }

    /// <summary>Abort every connection still open (after the drain deadline).</summary>
    public sealed class AbortAll : INoSerializationVerificationNeeded
    {
        public static readonly AbortAll Instance = new();
    }

    /// <summary>Replies <see cref="Stats"/>.</summary>
    public sealed class GetStats : INoSerializationVerificationNeeded
    {
        public static readonly GetStats Instance = new();
    }

    public sealed record Stats(int OpenConnections, long AcceptedConnections, long RefusedConnections) : INoSerializationVerificationNeeded;

    public sealed record Bound(EndPoint LocalAddress) : INoSerializationVerificationNeeded;

    public sealed class Unbound : INoSerializationVerificationNeeded
    {
        public static readonly Unbound Instance = new();
    }

    /// <summary>Accept loop → listener (hub.transport = sockets): a connection was accepted.</summary>
    public sealed record SocketAccepted(Socket Socket) : INoSerializationVerificationNeeded;

    /// <summary>Accept loop → listener: no more accepts; the listening socket was closed (Failure null) or failed.</summary>
    public sealed record AcceptLoopEnded(Exception? Failure) : INoSerializationVerificationNeeded;

    /// <summary>Accept loop → listener: accepting failed for want of descriptors or kernel memory; it retries shortly.</summary>
    public sealed record AcceptDeferred(SocketError Error) : INoSerializationVerificationNeeded;
}
