using Akka.Actor;
using Hub.WebSockets;

namespace Hub.PubSub;

/// <summary>
/// Where rooms live. The local backend fans out inside one ActorSystem; a cluster backend can replace it (one
/// send per node, local fan-out there) without handler code noticing.
/// </summary>
internal interface IRoomBackend
{
    /// <summary>Completes when frames published after it are delivered to <paramref name="outbox"/>.</summary>
    Task SubscribeAsync(string room, IActorRef outbox, IActorRef owner);

    Task UnsubscribeAsync(string room, IActorRef outbox);

    /// <summary>Fire and forget; per-publisher order is preserved for every subscriber.</summary>
    void Publish(string room, PreparedFrame frame, IActorRef? except);

    Task<IReadOnlyDictionary<string, int>> GetSubscriberCountsAsync();
}
