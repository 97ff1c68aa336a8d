using Akka.Actor;
using Akka.Cluster;
using Akka.Configuration;
using Hub.Configuration;
using Hub.Server.Hosting;

namespace Hub.Cluster.Tests.Support;

/// <summary>
/// N ActorSystems on loopback forming one Akka.Cluster with <c>hub.rooms.backend = distributed</c> and every message
/// serialized even locally. Failure detection and the Split Brain Resolver run on short timings so a crashed node is
/// downed within a few seconds. A node can leave gracefully (CoordinatedShutdown, as SIGTERM does in the host) or
/// crash (its ActorSystem stops without leaving, like SIGKILL as far as the others can tell).
/// </summary>
public sealed class ClusterNodes : IAsyncDisposable
{
    private static readonly TimeSpan FormationTimeout = TimeSpan.FromSeconds(30);

    private readonly List<ActorSystem> _nodes;

    private ClusterNodes(List<ActorSystem> nodes) => _nodes = nodes;

    public IReadOnlyList<ActorSystem> Nodes => _nodes;

    public ActorSystem this[int i] => _nodes[i];

    public static IRooms RoomsOf(ActorSystem node) => HubExtension.Get(node).Rooms;

    public static async Task<ClusterNodes> StartAsync(int count, string? hocon = null)
    {
        // Members of one cluster must share the system name.
        var name = "hub-rooms-" + Guid.NewGuid().ToString("N")[..8];
        var config = ConfigurationFactory.ParseString("""
                akka.actor.provider = cluster
                akka.actor.serialize-messages = on
                akka.remote.dot-netty.tcp { hostname = "127.0.0.1", port = 0 }
                akka { loglevel = WARNING, stdout-loglevel = WARNING, log-dead-letters = off, log-dead-letters-during-shutdown = off }
                akka.coordinated-shutdown.run-by-clr-shutdown-hook = off
                # Terminate() is the crash; a graceful leave runs CoordinatedShutdown explicitly.
                akka.coordinated-shutdown.run-by-actor-system-terminate = off
                akka.cluster {
                  downing-provider-class = "Akka.Cluster.SBR.SplitBrainResolverProvider, Akka.Cluster"
                  split-brain-resolver { active-strategy = keep-majority, stable-after = 2s }
                  failure-detector { heartbeat-interval = 200ms, acceptable-heartbeat-pause = 1s }
                  sharding.handoff-timeout = 10s
                }
                hub.server { hostname = "127.0.0.1", port = 0 }
                hub.rooms.backend = distributed

                """ + (hocon ?? ""))
            .WithFallback(HubSettings.DefaultConfig());
        var nodes = new List<ActorSystem>();
        try
        {
            for (var i = 0; i < count; i++) nodes.Add(ActorSystem.Create(name, config));
            var seed = Akka.Cluster.Cluster.Get(nodes[0]).SelfAddress;
            foreach (var node in nodes) Akka.Cluster.Cluster.Get(node).Join(seed);
            foreach (var node in nodes) await WaitForUpAsync(node, count);
            foreach (var node in nodes) HubExtension.Get(node);
            return new ClusterNodes(nodes);
        }
        catch
        {
            await Task.WhenAll(nodes.Select(n => n.Terminate())).WaitAsync(TimeSpan.FromSeconds(20));
            throw;
        }
    }

    public static async Task WaitForUpAsync(ActorSystem system, int members)
    {
        var cluster = Akka.Cluster.Cluster.Get(system);
        var deadline = DateTime.UtcNow + FormationTimeout;
        while (cluster.State.Members.Count(m => m.Status == MemberStatus.Up) != members || !cluster.State.Unreachable.IsEmpty)
        {
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"{cluster.SelfAddress}: {cluster.State.Members.Count} members, not {members} Up");
            await Task.Delay(50);
        }
    }

    /// <summary>The node that currently hosts <paramref name="room"/>'s owner entity, or -1.</summary>
    public async Task<int> OwnerOfAsync(string room)
    {
        for (var i = 0; i < _nodes.Count; i++)
        {
            if (_nodes[i].WhenTerminated.IsCompleted) continue;
            var selection = _nodes[i].ActorSelection($"/system/sharding/{Hub.Cluster.RoomSharding.TypeName}/*/{Uri.EscapeDataString(room)}");
            var identity = await selection.Ask<ActorIdentity>(new Identify(room), TimeSpan.FromSeconds(5));
            if (identity.Subject is not null) return i;
        }
        return -1;
    }

    /// <summary>Leaves like SIGTERM: Hub drains, sharding hands the node's rooms off, the node leaves the cluster.</summary>
    public async Task LeaveAsync(int i) =>
        await CoordinatedShutdown.Get(_nodes[i]).Run(CoordinatedShutdown.ClusterLeavingReason.Instance).WaitAsync(TimeSpan.FromSeconds(60));

    /// <summary>Stops like SIGKILL as far as the others can tell: no leave, no hand-off; SBR must down it.</summary>
    public async Task CrashAsync(int i) => await _nodes[i].Terminate().WaitAsync(TimeSpan.FromSeconds(30));

    public async ValueTask DisposeAsync() =>
        await Task.WhenAll(_nodes.Select(n => n.Terminate())).WaitAsync(TimeSpan.FromSeconds(30));
}
