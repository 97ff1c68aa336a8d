using Akka.Actor;
using Hub.WebSockets;

namespace Hub.PubSub;

/// <summary><see cref="IRoomBackend"/> over one <see cref="RoomRegistryActor"/> in this ActorSystem.</summary>
internal sealed class LocalRoomBackend(IActorRef registry) : IRoomBackend
{
    private static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(10);

    public Task SubscribeAsync(string room, IActorRef outbox, IActorRef owner) =>
        registry.Ask<RoomProtocol.Subscribed>(new RoomProtocol.Subscribe(room, outbox, owner), AskTimeout);

    public Task UnsubscribeAsync(string room, IActorRef outbox) =>
        registry.Ask<RoomProtocol.Unsubscribed>(new RoomProtocol.Unsubscribe(room, outbox), AskTimeout);

    public void Publish(string room, PreparedFrame frame, IActorRef? except) =>
        registry.Tell(new RoomProtocol.Publish(room, frame, except));

    public async Task<IReadOnlyDictionary<string, int>> GetSubscriberCountsAsync() =>
        (await registry.Ask<RoomProtocol.RoomStats>(RoomProtocol.GetStats.Instance, AskTimeout).ConfigureAwait(false)).Subscribers;
}
