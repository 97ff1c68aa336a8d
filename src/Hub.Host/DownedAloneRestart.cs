using System.Net;
using Akka.Actor;
using Akka.Cluster;

namespace Hub.Host;

/// <summary>
/// The two-node answer of docs/cluster.md ("Two nodes"): no split-brain resolver strategy can tell a dead peer from a
/// partition when only two nodes are left, so keep-majority keeps the node with the lowest address and the other
/// downs itself — even when its peer is the one that died. Watches a cluster node's CoordinatedShutdown: when the
/// node was downed by the cluster (not stopped by the operator) while the cluster had at most two members and
/// <c>hub.host.cluster.restart-when-downed-alone</c> is on, the host starts again as a fresh single-node cluster on
/// the same HTTP and cluster ports (its own seed), and serves its clients again; they resume with an explicit
/// answer (a new epoch).
/// </summary>
internal sealed class DownedAloneRestart
{
    private const string Key = "hub.host.cluster.restart-when-downed-alone";

    private readonly Address _self;
    private volatile bool _downedAlone;

    private DownedAloneRestart(ActorSystem system)
    {
        var cluster = Akka.Cluster.Cluster.Get(system);
        _self = cluster.SelfAddress;
        // In the first phase, while the cluster state still lists the peer the node was cut off from.
        CoordinatedShutdown.Get(system).AddTask(CoordinatedShutdown.PhaseBeforeServiceUnbind, "hub-host-downed-alone", () =>
        {
            _downedAlone = CoordinatedShutdown.Get(system).ShutdownReason is CoordinatedShutdown.ClusterDowningReason
                           && cluster.State.Members.Count(m => m.Status != MemberStatus.Removed) <= 2;
            return Task.FromResult(Akka.Done.Instance);
        });
    }

    /// <summary>Watches <paramref name="system"/> when it is a cluster node with the setting on; null otherwise.</summary>
    public static DownedAloneRestart? Watch(ActorSystem system) =>
        system is ExtendedActorSystem { Provider: ClusterActorRefProvider } && system.Settings.Config.GetBoolean(Key, false)
            ? new DownedAloneRestart(system)
            : null;

    /// <summary>After the host stopped: the options of the fresh single-node start, or null to exit as usual.</summary>
    public HostOptions? NextStart(HostOptions options, RunningHost stopped)
    {
        if (!_downedAlone) return null;
        var httpPort = stopped.Binding.LocalAddress is IPEndPoint ip ? ip.Port : options.Port;
        return options with { Port = httpPort, ClusterPort = _self.Port, Seeds = [$"{_self.Host}:{_self.Port}"] };
    }
}
