using System.Text.Json.Serialization;
using Akka.Actor;
using Akka.Cluster;

namespace Hub.Host.DemoApp;

/// <summary>
/// GET /health → 200 <c>{"status":"ok","uptime":seconds,"connections":open,"gcHeapBytes":bytes}</c>, for load
/// balancers and humans (the managed heap size after the last GC, for soak runs).
/// The connection count comes from the listener actor and includes the connection asking. On a cluster node the
/// answer adds <c>"self"</c> (this node's address), <c>"members"</c> (up members with address and status) and
/// <c>"unreachable"</c>.
/// </summary>
public sealed class HealthHandler(ServerState state, ActorSystem system) : RequestHandler
{
    public override async Task GetAsync()
    {
        HubBinding binding;
        try
        {
            binding = await state.Binding.WaitAsync(TimeSpan.FromSeconds(5), ConnectionClosed);
        }
        catch (TimeoutException)
        {
            throw new HttpError(503, "the server has not finished starting");
        }
        var connections = await binding.GetOpenConnectionsAsync().WaitAsync(ConnectionClosed);
        SetHeader("Cache-Control", "no-store");
        WriteJson(new Health("ok", Math.Round(state.Uptime.TotalSeconds, 3), connections)
        {
            GcHeapBytes = GC.GetGCMemoryInfo().HeapSizeBytes,
            Self = ClusterState()?.Self,
            Members = ClusterState()?.Members,
            Unreachable = ClusterState()?.Unreachable,
        });
    }

    private ClusterView? _view;

    /// <summary>This node's view of the cluster, or null when the host runs single-node.</summary>
    private ClusterView? ClusterState()
    {
        if (_view is not null || system.Settings.ProviderClass.Contains("Cluster", StringComparison.Ordinal) is false) return _view;
        var cluster = Akka.Cluster.Cluster.Get(system);
        var current = cluster.State;
        _view = new ClusterView(
            cluster.SelfAddress.ToString(),
            current.Members.Where(m => m.Status == MemberStatus.Up)
                .Select(m => new MemberInfo(m.Address.ToString(), m.Status.ToString().ToLowerInvariant())).ToArray(),
            current.Unreachable.Select(m => m.Address.ToString()).ToArray());
        return _view;
    }

    private sealed record ClusterView(string Self, MemberInfo[] Members, string[] Unreachable);

    private sealed record MemberInfo(
        [property: JsonPropertyName("address")] string Address,
        [property: JsonPropertyName("status")] string Status);

    private sealed record Health(
        [property: JsonPropertyName("status")] string Status,
        [property: JsonPropertyName("uptime")] double Uptime,
        [property: JsonPropertyName("connections")] int Connections)
    {
        /// <summary>The managed heap after the last GC: what bench/run.sh soak watches for leaks.</summary>
        [JsonPropertyName("gcHeapBytes")]
        public long GcHeapBytes { get; init; }

        [JsonPropertyName("self"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
        public string? Self { get; init; }

        [JsonPropertyName("members"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
        public MemberInfo[]? Members { get; init; }

        [JsonPropertyName("unreachable"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
        public string[]? Unreachable { get; init; }
    }
}
