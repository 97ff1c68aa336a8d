using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Akka.Actor;
using Hub.WebSockets;

namespace Hub.PubSub;

/// <summary>The <see cref="IRooms"/> of one ActorSystem, over its <see cref="RoomBackend"/>.</summary>
internal sealed class Rooms(ActorSystem system, RoomBackend backend) : IRooms
{
    internal RoomBackend Backend => backend;

    public void Publish(string room, string text) => backend.Publish(room, PreparedFrame.Text(text), null);

    public void Publish(string room, ReadOnlySpan<byte> binary) => backend.Publish(room, PreparedFrame.Binary(binary), null);

    public void Publish(string room, PreparedFrame frame) => backend.Publish(room, frame, null);

    public Task<RoomPosition> PublishAsync(string room, string text, CancellationToken cancellationToken = default) =>
        backend.PublishAsync(room, PreparedFrame.Text(text), null, cancellationToken);

    public Task<RoomPosition> PublishAsync(string room, PreparedFrame frame, CancellationToken cancellationToken = default) =>
        backend.PublishAsync(room, frame, null, cancellationToken);

    public Task<IReadOnlyDictionary<string, int>> GetSubscriberCountsAsync() => backend.GetLocalCountsAsync();

    public Task<IReadOnlyList<PresenceMember>> GetPresenceAsync(string room) => backend.GetPresenceAsync(room);

    public async IAsyncEnumerable<WsMessage> ListenAsync(string room, [EnumeratorCancellation] CancellationToken cancellationToken,
        int capacity = 1024)
    {
        await foreach (var e in FollowAsync(room, null, cancellationToken, capacity).ConfigureAwait(false))
            if (e.Message is { } message) yield return message;
    }

    public async IAsyncEnumerable<RoomEvent> FollowAsync(string room, RoomPosition? since,
        [EnumeratorCancellation] CancellationToken cancellationToken, int capacity = 1024)
    {
        var channel = Channel.CreateBounded<RoomEvent>(new BoundedChannelOptions(capacity)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = true,
            SingleWriter = true,
        });
        var follower = system.ActorOf(Props.Create(() => new RoomFollowerActor(channel.Writer)));
        try
        {
            await backend.JoinAsync(room, MemberIds.Next(), follower, follower, RoomNodeActor.DeliveryMode.Events,
                new RoomJoinOptions { Since = since }).ConfigureAwait(false);
            await foreach (var e in channel.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
                yield return e;
        }
        finally
        {
            // Stopping the follower is enough: the node watches it and leaves the room for it.
            system.Stop(follower);
        }
    }

    /// <summary>
    /// Writes a follower's events to its channel. A follower that falls <c>capacity</c> events behind loses the
    /// newest ones and is told so by a reset before its next message, never silently.
    /// </summary>
    private sealed class RoomFollowerActor : ReceiveActor
    {
        public RoomFollowerActor(ChannelWriter<RoomEvent> writer)
        {
            RoomEvent? pendingReset = null;
            Receive<RoomNodeActor.ToFollower>(f =>
            {
                var e = f.Event;
                // The reset goes first once there is room again, so the reader learns of the gap before the next message.
                if (pendingReset is not null)
                {
                    if (!writer.TryWrite(pendingReset))
                    {
                        pendingReset = pendingReset with { Position = e.Position };
                        return;
                    }
                    pendingReset = null;
                }
                // The reset names the last position dropped: the next message the reader gets follows it.
                if (!writer.TryWrite(e)) pendingReset = new RoomEvent(RoomEventKind.Reset, e.Position, null, "overflow");
            });
        }
    }
}
