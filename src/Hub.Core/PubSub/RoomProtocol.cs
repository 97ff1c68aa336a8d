using Akka.Actor;
using Hub.WebSockets;

namespace Hub.PubSub;

/// <summary>Messages of the room registry.</summary>
internal static class RoomProtocol
{
    /// <summary>Deliver the room's frames to <paramref name="Outbox"/> until unsubscribed or <paramref name="Owner"/> stops.
    /// Replies <see cref="Subscribed"/>.</summary>
    public sealed record Subscribe(string Room, IActorRef Outbox, IActorRef Owner) : INoSerializationVerificationNeeded;

    public sealed record Subscribed(string Room) : INoSerializationVerificationNeeded;

    /// <summary>Replies <see cref="Unsubscribed"/>.</summary>
    public sealed record Unsubscribe(string Room, IActorRef Outbox) : INoSerializationVerificationNeeded;

    public sealed record Unsubscribed(string Room) : INoSerializationVerificationNeeded;

    /// <summary>One frame for every subscriber of the room except <paramref name="Except"/>.</summary>
    public sealed record Publish(string Room, PreparedFrame Frame, IActorRef? Except) : INoSerializationVerificationNeeded;

    /// <summary>Replies <see cref="RoomStats"/>: rooms and subscriber counts.</summary>
    public sealed class GetStats : INoSerializationVerificationNeeded
    {
        public static readonly GetStats Instance = new();
    }

    public sealed record RoomStats(IReadOnlyDictionary<string, int> Subscribers) : INoSerializationVerificationNeeded;
}
