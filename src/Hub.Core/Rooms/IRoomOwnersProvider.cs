using Akka.Actor;
using Hub.Configuration;

namespace Hub.PubSub;

/// <summary>
/// A room backend that spans nodes: named by <c>hub.rooms.distributed-provider</c> and loaded by type name when
/// <c>hub.rooms.backend = distributed</c>, so Hub.Core itself references no cluster package (Hub.Cluster implements
/// it). Created with its parameterless constructor.
/// </summary>
internal interface IRoomOwnersProvider
{
    /// <summary>Checks that <paramref name="system"/> can host the backend, adds the configuration it needs and
    /// starts the room owners' home; returns the actor every room command is sent to.</summary>
    IActorRef StartOwners(ExtendedActorSystem system, RoomSettings settings);
}
