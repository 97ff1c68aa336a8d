using Akka.Actor;
using Akka.Cluster;
using Akka.Configuration;
using Hub.Configuration;
using Hub.Server.Hosting;

namespace Hub.Cluster.Tests.Support;

/// <summary>
/// Two ActorSystems on loopback forming one Akka.Cluster (remoting on ephemeral ports, messages serialized even
/// locally), each running a Hub server on an ephemeral port with <c>hub.rooms.backend = distributed</c>.
/// </summary>
public sealed class TwoNodeCluster : IAsyncDisposable
{
    private static readonly TimeSpan FormationTimeout = TimeSpan.FromSeconds(30);

    private TwoNodeCluster(ActorSystem a, ActorSystem b, HubBinding bindingA, HubBinding bindingB)
    {
        A = a;
        B = b;
        BindingA = bindingA;
        BindingB = bindingB;
    }

    public ActorSystem A { get; }
    public ActorSystem B { get; }
    public HubBinding BindingA { get; }
    public HubBinding BindingB { get; }

    public static async Task<TwoNodeCluster> StartAsync(Action<RouteBuilder> routes)
    {
        // Members of one cluster must share the system name.
        var name = "hub-cluster-" + Guid.NewGuid().ToString("N")[..8];
        var config = ConfigurationFactory.ParseString("""
                akka.actor.provider = cluster
                akka.actor.serialize-messages = on
                akka.remote.dot-netty.tcp { hostname = "127.0.0.1", port = 0 }
                # Faster registry gossip than the 1 s default keeps the specs short; the specs still wait for it.
                akka.cluster.pub-sub.gossip-interval = 200ms
                akka { loglevel = WARNING, stdout-loglevel = WARNING, log-dead-letters = off, log-dead-letters-during-shutdown = off }
                akka.coordinated-shutdown.run-by-clr-shutdown-hook = off
                hub.server { hostname = "127.0.0.1", port = 0, linger-timeout = 10s }
                hub.rooms.backend = distributed
                """)
            .WithFallback(HubSettings.DefaultConfig());
        var a = ActorSystem.Create(name, config);
        var b = ActorSystem.Create(name, config);
        try
        {
            var seed = Akka.Cluster.Cluster.Get(a).SelfAddress;
            Akka.Cluster.Cluster.Get(a).Join(seed);
            Akka.Cluster.Cluster.Get(b).Join(seed);
            await WaitForUpAsync(a, 2);
            await WaitForUpAsync(b, 2);
            HubExtension.Get(a);
            HubExtension.Get(b);
            var bindingA = await HubServer.StartAsync(a, new Application(routes));
            var bindingB = await HubServer.StartAsync(b, new Application(routes));
            return new TwoNodeCluster(a, b, bindingA, bindingB);
        }
        catch
        {
            await Task.WhenAll(a.Terminate(), b.Terminate()).WaitAsync(TimeSpan.FromSeconds(20));
            throw;
        }
    }

    private static async Task WaitForUpAsync(ActorSystem system, int members)
    {
        var cluster = Akka.Cluster.Cluster.Get(system);
        var deadline = DateTime.UtcNow + FormationTimeout;
        while (cluster.State.Members.Count(m => m.Status == MemberStatus.Up) < members)
        {
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"{cluster.SelfAddress}: {cluster.State.Members.Count} members, not {members} Up");
            await Task.Delay(50);
        }
    }

    public async ValueTask DisposeAsync() =>
        await Task.WhenAll(A.Terminate(), B.Terminate()).WaitAsync(TimeSpan.FromSeconds(20));
}
