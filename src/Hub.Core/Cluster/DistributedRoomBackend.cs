using Akka.Actor;
using Hub.PubSub;
using Hub.WebSockets;

namespace Hub.Cluster;

/// <summary>
/// <see cref="IRoomBackend"/> across an Akka.Cluster: the node's <see cref="RoomRegistryActor"/> fans out to local
/// sockets, and its <see cref="RoomNodeActor"/> carries each broadcast once to every other node with subscribers
/// via DistributedPubSub.
/// </summary>
internal sealed class DistributedRoomBackend(IActorRef registry, IActorRef node, int maxBroadcastSize) : IRoomBackend
{
    private static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(10);

    /// <summary>Completes when the local registry delivers to <paramref name="outbox"/> and this node's topic
    /// subscription is acknowledged. Other nodes see the subscription after the pub-sub gossip (~1 s).</summary>
    public Task SubscribeAsync(string room, IActorRef outbox, IActorRef owner) => Task.WhenAll(
        registry.Ask<RoomProtocol.Subscribed>(new RoomProtocol.Subscribe(room, outbox, owner), AskTimeout),
        node.Ask<RoomNodeActor.Joined>(new RoomNodeActor.Join(room, outbox, owner), AskTimeout));

    public Task UnsubscribeAsync(string room, IActorRef outbox) => Task.WhenAll(
        registry.Ask<RoomProtocol.Unsubscribed>(new RoomProtocol.Unsubscribe(room, outbox), AskTimeout),
        node.Ask<RoomNodeActor.Left>(new RoomNodeActor.Leave(room, outbox), AskTimeout));

    public void Publish(string room, PreparedFrame frame, IActorRef? except)
    {
        // Refused here, at the publisher, rather than dropped by remoting as an oversized frame on the way.
        if (frame.PayloadLength > maxBroadcastSize)
            throw new ArgumentException(
                $"room broadcast of {frame.PayloadLength} bytes exceeds hub.rooms.max-broadcast-size ({maxBroadcastSize} bytes)",
                nameof(frame));
        node.Tell(new RoomNodeActor.LocalPublish(room, frame, except, except?.Path.ToStringWithoutAddress()));
    }

    /// <summary>This node's local subscribers (cluster-wide counts are part of presence, a later slice).</summary>
    public async Task<IReadOnlyDictionary<string, int>> GetSubscriberCountsAsync() =>
        (await registry.Ask<RoomProtocol.RoomStats>(RoomProtocol.GetStats.Instance, AskTimeout).ConfigureAwait(false)).Subscribers;
}
