using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Akka.Actor;
using Hub.WebSockets;

namespace Hub.PubSub;

/// <summary>The <see cref="IRooms"/> of one ActorSystem, over its room backend.</summary>
internal sealed class Rooms(ActorSystem system, IRoomBackend backend) : IRooms
{
    internal IRoomBackend Backend => backend;

    public void Publish(string room, string text) => backend.Publish(room, PreparedFrame.Text(text), null);

    public void Publish(string room, ReadOnlySpan<byte> binary) => backend.Publish(room, PreparedFrame.Binary(binary), null);

    public void Publish(string room, PreparedFrame frame) => backend.Publish(room, frame, null);

    public Task<IReadOnlyDictionary<string, int>> GetSubscriberCountsAsync() => backend.GetSubscriberCountsAsync();

    public async IAsyncEnumerable<WsMessage> ListenAsync(string room, [EnumeratorCancellation] CancellationToken cancellationToken,
        int capacity = 1024)
    {
        var channel = Channel.CreateBounded<WsMessage>(new BoundedChannelOptions(capacity)
        {
            FullMode = BoundedChannelFullMode.DropOldest,
            SingleReader = true,
            SingleWriter = true,
        });
        var listener = system.ActorOf(Props.Create(() => new RoomListenerActor(channel.Writer)));
        try
        {
            await backend.SubscribeAsync(room, listener, listener).ConfigureAwait(false);
            await foreach (var message in channel.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
                yield return message;
        }
        finally
        {
            // Stopping the listener is enough: the registry watches it and forgets its subscription.
            system.Stop(listener);
        }
    }

    /// <summary>Turns frames addressed to an outbox into messages on a channel.</summary>
    private sealed class RoomListenerActor : ReceiveActor
    {
        public RoomListenerActor(ChannelWriter<WsMessage> writer)
        {
            Receive<WsOutbound.Frame>(f => writer.TryWrite(new WsMessage(f.Prepared.IsText, f.Prepared.PayloadToArray())));
        }
    }
}
