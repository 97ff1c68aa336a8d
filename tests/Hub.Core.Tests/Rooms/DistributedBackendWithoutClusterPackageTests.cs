using Akka.Actor;
using Hub.Server.Hosting;

namespace Hub.Core.Tests.Rooms;

/// <summary>
/// This test assembly references Hub.Core only, like a single-node application: hub.rooms.backend = distributed must
/// then fail at start with a message naming the missing package, and a provider name of the wrong type is refused.
/// </summary>
public sealed class DistributedBackendWithoutClusterPackageTests
{
    private static string StartError(string hocon)
    {
        var system = ActorSystem.Create("no-cluster-" + Guid.NewGuid().ToString("N")[..8], hocon + "\nakka.loglevel = WARNING");
        try
        {
            Exception error = Assert.ThrowsAny<Exception>(() => HubExtension.Get(system));
            while (error.InnerException is not null && !error.Message.Contains("hub.rooms")) error = error.InnerException;
            return error.Message;
        }
        finally
        {
            system.Terminate();
        }
    }

    [Fact]
    public void Hub_Cluster_is_not_loaded_by_this_assembly()
    {
        Assert.DoesNotContain(AppDomain.CurrentDomain.GetAssemblies(), a => a.GetName().Name == "Hub.Cluster");
        Assert.Null(Type.GetType("Hub.Cluster.ClusterRoomOwnersProvider, Hub.Cluster", throwOnError: false));
    }

    [Fact]
    public void Distributed_without_the_Hub_Cluster_package_names_the_package()
    {
        var message = StartError("hub.rooms.backend = distributed");
        Assert.Contains("hub.rooms.backend = distributed needs the Hub.Cluster package", message);
        Assert.Contains("add a reference to Hub.Cluster", message);
    }

    [Fact]
    public void A_provider_of_the_wrong_type_is_refused()
    {
        var message = StartError("""
            hub.rooms.backend = distributed
            hub.rooms.distributed-provider = "System.Object, System.Private.CoreLib"
            """);
        Assert.Contains("is not a Hub room backend provider", message);
    }
}
