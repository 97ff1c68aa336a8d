using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text.Json;
using Hub.Host;
using Hub.Host.Dashboard;

namespace Hub.Integration.Tests.Host.DemoApp;

/// <summary>On a cluster, one node's dashboard lists every member with the load that member measured itself.</summary>
public sealed class DashboardClusterTests
{
    private const string Token = "cluster-token";

    private static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    private static Task<RunningHost> StartNode(int clusterPort, int seedPort) => HostRunner.StartAsync(new HostOptions
    {
        Port = 0,
        Bind = "127.0.0.1",
        ClusterPort = clusterPort,
        Seeds = [$"127.0.0.1:{seedPort}"],
        DashboardToken = Token,
        Overrides = ["akka.loglevel=WARNING"],
    });

    [Fact]
    public async Task A_nodes_feed_shows_the_other_members_websockets()
    {
        var seedPort = FreePort();
        var otherPort = FreePort();
        var a = await StartNode(seedPort, seedPort);
        var b = await StartNode(otherPort, seedPort);
        try
        {
            using var socketOnB = new ClientWebSocket();
            await socketOnB.ConnectAsync(new Uri($"ws://127.0.0.1:{b.Binding.Port}/ws"), CancellationToken.None);

            using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{a.Binding.Port}") };
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(45));
            using var request = new HttpRequestMessage(HttpMethod.Get, "/dashboard/feed");
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token);
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(timeout.Token));

            // Until the cluster has formed and B has answered A's ask, samples list fewer members or no numbers.
            while (true)
            {
                var (name, data) = await DashboardRouteTests.ReadEventAsync(reader, timeout.Token);
                if (name != "sample") continue;
                var sample = JsonSerializer.Deserialize<DashboardSample>(data, DashboardSample.Json)!;
                var other = sample.Nodes.SingleOrDefault(n => n.Address.EndsWith($":{otherPort}", StringComparison.Ordinal));
                if (sample.Nodes.Count == 2 && other?.Load is { WebSocketConnections: >= 1 })
                {
                    var self = Assert.Single(sample.Nodes, n => n.Self);
                    Assert.EndsWith($":{seedPort}", self.Address);
                    Assert.Equal(sample.Load, self.Load);
                    Assert.True(other.Reachable);
                    Assert.Equal("up", other.Status);
                    break;
                }
            }
        }
        finally
        {
            await b.StopAsync().WaitAsync(TimeSpan.FromSeconds(30));
            await a.StopAsync().WaitAsync(TimeSpan.FromSeconds(30));
        }
    }
}
