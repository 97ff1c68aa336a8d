using System.Net;
using System.Net.Sockets;
using System.Text.Json;

namespace Hub.Integration.Tests.Host.Cluster;

/// <summary>
/// N Hub.Host processes on loopback forming one cluster, started like deploy/local-cluster.sh: each its own HTTP port
/// and cluster port, all seeded with the first node's cluster port. Disposing kills every process still running
/// (by its PID, <see cref="HostProcess.Dispose"/>).
/// </summary>
public sealed class HostCluster : IDisposable
{
    /// <summary>
    /// Overrides every node gets: quiet logs; SBR acting after 3 s of stable membership instead of hocon/cluster.conf's
    /// 7 s (a crash test then waits less); a history long enough that a resume after a few seconds of a steady
    /// publisher is still recoverable (the default 100 messages would make it "too-old").
    /// </summary>
    public static readonly string[] TestOverrides =
    [
        "akka.loglevel=WARNING",
        "akka.cluster.split-brain-resolver.stable-after=3s",
        "hub.rooms.history.max-messages=10000",
    ];

    private readonly HostProcess?[] _processes;

    private HostCluster(HostProcess[] processes, int[] httpPorts)
    {
        _processes = processes;
        HttpPorts = httpPorts;
    }

    public int Count => _processes.Length;

    /// <summary>Each node's HTTP port, by node index (node 0 is the seed).</summary>
    public IReadOnlyList<int> HttpPorts { get; }

    public HostProcess this[int node] => _processes[node] ?? throw new InvalidOperationException($"node {node} was stopped");

    /// <summary>
    /// Starts <paramref name="count"/> nodes and waits until every one reports all of them up in /health. With
    /// <paramref name="onSeedUp"/>, the seed (node 0) is started alone first and the callback gets its HTTP port
    /// before the others start: whatever the callback makes the seed host (a room touched there) starts on the seed.
    /// Cluster ports ascend with the node index, so node 0 has the lowest address: the side keep-majority keeps on an
    /// even split. <paramref name="overrides"/> replaces <see cref="TestOverrides"/>.
    /// </summary>
    public static async Task<HostCluster> StartAsync(int count, TimeSpan formTimeout, Func<int, Task>? onSeedUp = null,
        IReadOnlyList<string>? overrides = null)
    {
        var clusterPorts = Enumerable.Range(0, count).Select(_ => FreePort()).Distinct().Order().ToArray();
        if (clusterPorts.Length < count) throw new InvalidOperationException("the free ports picked for the cluster collided; run again");
        var seedPort = clusterPorts[0];
        var processes = new List<HostProcess>();
        try
        {
            for (var i = 0; i < count; i++)
            {
                if (i == 1 && onSeedUp is not null)
                {
                    var seed = new HostCluster([processes[0]], [(await processes[0].WaitForListeningAsync(formTimeout)).Port]);
                    await seed.WaitForMembersAsync([0], 1, formTimeout);
                    await onSeedUp(seed.HttpPorts[0]);
                }
                var args = new List<string>
                {
                    "--port", "0", "--bind", "127.0.0.1",
                    "--cluster-port", clusterPorts[i].ToString(),
                    "--seed", $"127.0.0.1:{seedPort}",
                };
                foreach (var o in overrides ?? TestOverrides) args.AddRange(["--set", o]);
                processes.Add(HostProcess.Start([.. args]));
            }
            var ports = new int[count];
            for (var i = 0; i < count; i++) ports[i] = (await processes[i].WaitForListeningAsync(formTimeout)).Port;
            var cluster = new HostCluster([.. processes], ports);
            await cluster.WaitForMembersAsync(Enumerable.Range(0, count), count, formTimeout);
            return cluster;
        }
        catch
        {
            foreach (var p in processes) p.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Waits until each of <paramref name="nodes"/> reports exactly <paramref name="members"/> up members and none
    /// unreachable: after a crash, that is the dead node downed by the Split Brain Resolver.
    /// </summary>
    public async Task WaitForMembersAsync(IEnumerable<int> nodes, int members, TimeSpan timeout)
    {
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow + timeout;
        var last = "";
        foreach (var node in nodes)
        {
            while (true)
            {
                try
                {
                    using var health = JsonDocument.Parse(await client.GetStringAsync($"http://127.0.0.1:{HttpPorts[node]}/health"));
                    var root = health.RootElement;
                    last = root.GetRawText();
                    if (root.TryGetProperty("members", out var up) && up.GetArrayLength() == members
                        && root.GetProperty("unreachable").GetArrayLength() == 0)
                        break;
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                {
                    last = e.Message;
                }
                if (DateTime.UtcNow > deadline)
                    throw new TimeoutException($"node {node} did not report {members} members in {timeout.TotalSeconds:0} s; last /health: {last}");
                await Task.Delay(250);
            }
        }
    }

    /// <summary>SIGKILL: the node dies at once, without leaving the cluster.</summary>
    public async Task KillAsync(int node)
    {
        await this[node].SignalAsync("KILL");
        await this[node].WaitForExitAsync(TimeSpan.FromSeconds(10));
    }

    /// <summary>SIGTERM: the node drains, closes its WebSockets with 1001, hands its rooms off and leaves.</summary>
    public Task TerminateAsync(int node) => this[node].SignalAsync("TERM");

    /// <summary>Everything a node printed (for failure messages).</summary>
    public string OutputOf(int node) =>
        _processes[node] is { } p ? string.Join('\n', p.StdoutLines.Concat(p.StderrLines).TakeLast(40)) : "";

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public void Dispose()
    {
        for (var i = 0; i < _processes.Length; i++)
        {
            _processes[i]?.Dispose();
            _processes[i] = null;
        }
    }
}
