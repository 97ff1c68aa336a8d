using System.Text.Json;
using Akka.Actor;
using Akka.Cluster;

namespace Hub.Host.Dashboard;

/// <summary>
/// Every member's numbers, for a dashboard on a cluster node. Each node whose dashboard is on runs the actor
/// <c>/user/dashboard-load</c>, which answers with that node's latest <see cref="NodeNumbers"/> as JSON (a string,
/// so no serializer needs registering); <see cref="GatherAsync"/> asks every reachable member once per sample.
/// A member that does not answer in time — its dashboard off, or overloaded — is listed without numbers.
/// </summary>
internal sealed class ClusterLoad
{
    public const string ActorName = "dashboard-load";
    private const string Request = "load";

    private readonly ActorSystem _system;
    private readonly Akka.Cluster.Cluster _cluster;

    private ClusterLoad(ActorSystem system)
    {
        _system = system;
        _cluster = Akka.Cluster.Cluster.Get(system);
    }

    /// <summary>Starts the responder and returns the gatherer; null when <paramref name="system"/> is not a cluster node.</summary>
    public static ClusterLoad? Start(ActorSystem system, Func<NodeNumbers> current)
    {
        if (system is not ExtendedActorSystem { Provider: ClusterActorRefProvider }) return null;
        system.ActorOf(Props.Create(() => new LoadResponder(current)), ActorName);
        return new ClusterLoad(system);
    }

    /// <summary>Every member this node knows, with its numbers (this node's are <paramref name="self"/>).</summary>
    public async Task<IReadOnlyList<NodeLoad>> GatherAsync(NodeNumbers self, TimeSpan timeout)
    {
        var state = _cluster.State;
        var unreachable = state.Unreachable.Select(m => m.Address).ToHashSet();
        var nodes = state.Members.Select(async m =>
        {
            var isSelf = m.Address.Equals(_cluster.SelfAddress);
            var reachable = !unreachable.Contains(m.Address);
            var load = isSelf ? self : reachable ? await AskAsync(m.Address, timeout).ConfigureAwait(false) : null;
            return new NodeLoad(m.Address.ToString(), m.Status.ToString().ToLowerInvariant(), isSelf, reachable, load);
        });
        return await Task.WhenAll(nodes).ConfigureAwait(false);
    }

    private async Task<NodeNumbers?> AskAsync(Address address, TimeSpan timeout)
    {
        try
        {
            var json = await _system.ActorSelection(new RootActorPath(address) / "user" / ActorName)
                .Ask<string>(Request, timeout).ConfigureAwait(false);
            return JsonSerializer.Deserialize<NodeNumbers>(json, DashboardSample.Json);
        }
        catch (Exception e) when (e is AskTimeoutException or OperationCanceledException or JsonException or ActorNotFoundException)
        {
            return null;
        }
    }

    /// <summary>Answers any string with this node's latest numbers as JSON.</summary>
    private sealed class LoadResponder : ReceiveActor
    {
        public LoadResponder(Func<NodeNumbers> current) =>
            Receive<string>(_ => Sender.Tell(JsonSerializer.Serialize(current(), DashboardSample.Json)));
    }
}
