using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text.Json;
using Hub.Host;
using Hub.Integration.Tests.Support;

namespace Hub.Integration.Tests.Host.DemoApp;

/// <summary>Two demo hosts started with the cluster flags form a cluster, report it in /health, and share /chat.</summary>
public sealed class ClusterHostTests
{
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
        Overrides = ["akka.loglevel=WARNING", "akka.cluster.pub-sub.gossip-interval=200ms"],
    });

    private static async Task<int> UpMembersAsync(HttpClient client)
    {
        using var doc = JsonDocument.Parse(await client.GetStringAsync("/health"));
        return doc.RootElement.TryGetProperty("members", out var members) ? members.GetArrayLength() : 0;
    }

    [Fact]
    public async Task Two_nodes_form_a_cluster_report_it_and_deliver_chat_across_nodes()
    {
        var seedPort = FreePort();
        var otherPort = FreePort();
        var a = await StartNode(seedPort, seedPort);
        var b = await StartNode(otherPort, seedPort);
        try
        {
            using var clientA = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{a.Binding.Port}") };
            using var clientB = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{b.Binding.Port}") };
            var deadline = DateTime.UtcNow.AddSeconds(40);
            while (await UpMembersAsync(clientA) < 2 || await UpMembersAsync(clientB) < 2)
            {
                Assert.True(DateTime.UtcNow < deadline, "the two nodes did not form a cluster in time");
                await Task.Delay(200);
            }
            using (var health = JsonDocument.Parse(await clientB.GetStringAsync("/health")))
            {
                Assert.Contains($":{otherPort}", health.RootElement.GetProperty("self").GetString());
                Assert.Equal(0, health.RootElement.GetProperty("unreachable").GetArrayLength());
            }

            using var onA = await WebSocketTestClient.ConnectAsync(a.Binding.Port, "/chat");
            using var onB = await WebSocketTestClient.ConnectAsync(b.Binding.Port, "/chat");
            await WebSocketTestClient.WaitForSubscribersAsync(a.System, "chat", 1);
            await WebSocketTestClient.WaitForSubscribersAsync(b.System, "chat", 1);
            // Both joins were accepted by the room's owner (on either node): the first message published on A reaches B,
            // as exactly the text sent (plain clients: Tornado's chat, across the cluster too).
            await onA.SendTextAsync("hello from A");
            Assert.Equal("hello from A", await onB.ReceiveTextAsync(TimeSpan.FromSeconds(30)));
            Assert.Equal("hello from A", await onA.ReceiveTextAsync(TimeSpan.FromSeconds(30)));
        }
        finally
        {
            await b.StopAsync().WaitAsync(TimeSpan.FromSeconds(30));
            await a.StopAsync().WaitAsync(TimeSpan.FromSeconds(30));
        }
    }
}
