using Akka.Actor;
using Hub.Http;

namespace Hub.Server;

/// <summary>Messages between a connection's bridge stage and its <see cref="ConnectionActor"/>.</summary>
internal static class ConnectionProtocol
{
    /// <summary>Bridge → actor: the stream is running; this is where outbound elements go.</summary>
    public sealed record Attached(IActorRef Bridge) : INoSerializationVerificationNeeded;

    /// <summary>Bridge → actor: the next inbound element. No other is sent until the actor acks.</summary>
    public sealed record Inbound(ConnectionInbound Element) : INoSerializationVerificationNeeded;

    /// <summary>Bridge → actor: the client closed its side (FIN); no more requests will come.</summary>
    public sealed class InputClosed : INoSerializationVerificationNeeded
    {
        public static readonly InputClosed Instance = new();
    }

    /// <summary>
    /// Transport → actor: the socket is closed for good. Until then (a lingering close drains after the last
    /// response) the actor stays alive: the listener counts it as open, and unbinding would reset the socket.
    /// </summary>
    public sealed class TransportStopped : INoSerializationVerificationNeeded
    {
        public static readonly TransportStopped Instance = new();
    }

    /// <summary>Transport → actor: the socket failed (reset by the peer, a write or read error); sent before <see cref="TransportStopped"/>.</summary>
    public sealed record TransportFailed(string Cause) : INoSerializationVerificationNeeded;

    /// <summary>Bridge → actor: the stream has stopped; the connection is gone.</summary>
    public sealed class StreamTerminated : INoSerializationVerificationNeeded
    {
        public static readonly StreamTerminated Instance = new();
    }

    /// <summary>
    /// Actor → bridge: an element to write (may be null), then optionally: settle <see cref="Accepted"/> when the
    /// element has been taken downstream, ask for the next inbound element, close the output after this element.
    /// Folding the ack into the write saves a message per request.
    /// </summary>
    public sealed record Outbound(ConnectionOutbound? Element, TaskCompletionSource? Accepted, bool AckInbound, bool CloseAfter)
        : INoSerializationVerificationNeeded;

    /// <summary>Bridge → actor: the outbound queue overflowed under the close policy; the socket is being closed with 1008.</summary>
    public sealed class SlowConsumer : INoSerializationVerificationNeeded
    {
        public static readonly SlowConsumer Instance = new();
    }

    /// <summary>Actor → bridge: fail the connection now (reset, no more output).</summary>
    public sealed class Abort : INoSerializationVerificationNeeded
    {
        public static readonly Abort Instance = new();
    }
}
