using System.Net;
using Akka.Actor;

namespace Hub.Server;

/// <summary>Messages of the <see cref="ListenerActor"/>.</summary>
internal static class ListenerProtocol
{
    /// <summary>Stop accepting (Tcp.Unbind); the listener stays alive because its connections die with it.</summary>
    public sealed class Unbind : INoSerializationVerificationNeeded
    {
        public static readonly Unbind Instance = new();
    }

    /// <summary>Graceful stop: unbind, then ask every connection to finish its response and close.
    /// Replies <see cref="Drained"/> when the last connection is gone.</summary>
    public sealed class Drain : INoSerializationVerificationNeeded
    {
        public static readonly Drain Instance = new();
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
}
