using Akka.Actor;
using Hub.Cluster;
using Hub.Server.Hosting;
using Hub.PubSub;

namespace Hub.Cluster.Tests;

/// <summary>hub.rooms.backend picks where room owners live (a local shard actor or the cluster shard region); local stays the default.</summary>
public sealed class BackendChoiceTests
{
    private static async Task WithSystemAsync(string hocon, Action<ActorSystem> test)
    {
        var system = ActorSystem.Create("backend-" + Guid.NewGuid().ToString("N")[..8], hocon + "\nakka.loglevel = WARNING");
        try { test(system); }
        finally { await system.Terminate().WaitAsync(TimeSpan.FromSeconds(20)); }
    }

    [Fact]
    public Task Local_is_the_default_backend() => WithSystemAsync("", system =>
        Assert.Equal("hub-room-owners", HubExtension.Get(system).RoomsImpl.Backend.Owners.Path.Name));

    [Fact]
    public Task Distributed_without_a_cluster_provider_is_refused_with_a_clear_error() =>
        WithSystemAsync("hub.rooms.backend = distributed", system =>
        {
            var error = Assert.ThrowsAny<Exception>(() => HubExtension.Get(system));
            while (error.InnerException is not null && !error.Message.Contains("hub.rooms")) error = error.InnerException;
            Assert.Contains("akka.actor.provider = cluster", error.Message);
        });

    [Fact]
    public Task An_unknown_backend_is_refused() => WithSystemAsync("hub.rooms.backend = redis", system =>
    {
        var error = Assert.ThrowsAny<Exception>(() => HubExtension.Get(system));
        while (error.InnerException is not null && !error.Message.Contains("hub.rooms")) error = error.InnerException;
        Assert.Contains("hub.rooms.backend must be local or distributed", error.Message);
    });

    [Fact]
    public Task The_distributed_backend_is_chosen_on_a_cluster_node() =>
        WithSystemAsync("""
            akka.actor.provider = cluster
            akka.remote.dot-netty.tcp { hostname = "127.0.0.1", port = 0 }
            hub.rooms.backend = distributed
            """, system => Assert.Equal(RoomSharding.TypeName, HubExtension.Get(system).RoomsImpl.Backend.Owners.Path.Name));
}
