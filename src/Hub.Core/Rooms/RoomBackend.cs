using Akka.Actor;
using Hub.WebSockets;

namespace Hub.PubSub;

/// <summary>
/// The rooms of one ActorSystem: this node's <see cref="RoomNodeActor"/> (local members and fan-out) and the way to
/// the rooms' owners — a <see cref="LocalRoomShard"/> on a single node, the "hub-room" shard region in a cluster.
/// Handler code never sees which.
/// </summary>
internal sealed class RoomBackend(IActorRef node, IActorRef owners, int maxBroadcastSize, TimeSpan askTimeout,
    TimeSpan publishTimeout)
{
    internal IActorRef Node => node;

    /// <summary>Where room owners live: the local shard actor or the cluster shard region.</summary>
    internal IActorRef Owners => owners;

    public Task<RoomJoinResult> JoinAsync(string room, string member, IActorRef outbox, IActorRef owner,
        RoomNodeActor.DeliveryMode mode, RoomJoinOptions options, Server.OutboxQueue? queue = null) =>
        node.Ask<RoomJoinResult>(new RoomNodeActor.Join(room, member, outbox, owner, mode, options, queue), askTimeout);

    public Task LeaveAsync(string room, string member) =>
        node.Ask<RoomNodeActor.Left>(new RoomNodeActor.Leave(room, member), askTimeout);

    /// <summary>Fire and forget. Every message of one publisher reaches every member in publish order.</summary>
    public void Publish(string room, PreparedFrame frame, string? exceptMember)
    {
        CheckPublish(room, frame);
        owners.Tell(new PublishToRoom(room, frame, exceptMember), ActorRefs.NoSender);
    }

    /// <summary>
    /// Publishes and waits (at most hub.rooms.publish-timeout) for the position the owner gave the message; a
    /// <see cref="RoomPublishTimeoutException"/> otherwise. Ordered with the same publisher's fire-and-forget publishes.
    /// </summary>
    public async Task<RoomPosition> PublishAsync(string room, PreparedFrame frame, string? exceptMember, CancellationToken cancellationToken)
    {
        CheckPublish(room, frame);
        try
        {
            var published = await owners.Ask<RoomPublished>(new PublishToRoom(room, frame, exceptMember, Acknowledge: true),
                publishTimeout, cancellationToken).ConfigureAwait(false);
            return published.Position;
        }
        catch (AskTimeoutException)
        {
            throw new RoomPublishTimeoutException(room, publishTimeout);
        }
    }

    private void CheckPublish(string room, PreparedFrame frame)
    {
        ArgumentException.ThrowIfNullOrEmpty(room);
        // Refused here, at the publisher, rather than dropped by remoting as an oversized frame on the way.
        if (frame.PayloadLength > maxBroadcastSize)
            throw new ArgumentException(
                $"room broadcast of {frame.PayloadLength} bytes exceeds hub.rooms.max-broadcast-size ({maxBroadcastSize} bytes)",
                nameof(frame));
    }

    public async Task<IReadOnlyList<PresenceMember>> GetPresenceAsync(string room) =>
        (await owners.Ask<PresenceList>(new GetPresence(room), askTimeout).ConfigureAwait(false)).Members;

    public async Task<IReadOnlyDictionary<string, int>> GetLocalCountsAsync() =>
        (await node.Ask<RoomNodeActor.LocalCounts>(RoomNodeActor.GetLocalCounts.Instance, askTimeout).ConfigureAwait(false)).Counts;
}
