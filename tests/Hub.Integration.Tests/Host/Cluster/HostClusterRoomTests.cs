using System.Diagnostics;
using System.Net.WebSockets;
using System.Text.Json;
using Xunit.Abstractions;

namespace Hub.Integration.Tests.Host.Cluster;

/// <summary>
/// The demo's /chat room on three real Hub.Host processes (started like deploy/local-cluster.sh, loopback only): every
/// client on every node gets every message in one numbered order; a node killed with SIGKILL leaves the survivors
/// serving and broadcasting, and its clients resume elsewhere without an undetected gap; a node stopped with SIGTERM
/// closes its clients with 1001 and they resume elsewhere without losing anything. Node 0, the seed, is the one
/// stopped; the room is opened there before the other nodes start, so it owns the room: the room itself must move.
/// </summary>
[Collection(HostClusterCollection.Name)]
public sealed class HostClusterRoomTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Form = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan PublishInterval = TimeSpan.FromMilliseconds(50);

    [Fact]
    public async Task Every_client_on_every_node_gets_all_messages_in_one_numbered_order()
    {
        using var cluster = await HostCluster.StartAsync(3, Form);
        var clients = new List<ChatConnection>();
        try
        {
            for (var n = 0; n < 3; n++) clients.Add(await ChatConnection.ConnectAsync(cluster.HttpPorts[n], positions: false));
            await WaitForPresenceAsync(cluster.HttpPorts[1], 3);

            const int perNode = 30;
            for (var i = 0; i < perNode; i++)
                for (var n = 0; n < 3; n++)
                    await clients[n].PublishAsync($"n{n}:{i}");

            foreach (var (client, n) in clients.Select((c, n) => (c, n)))
            {
                await client.WaitUntilAsync(f => f.Count(x => x.IsMessage) >= 3 * perNode, Wait, $"all {3 * perNode} messages on node {n}");
                var messages = client.Messages;
                Assert.Equal(3 * perNode, messages.Count);
                Assert.Single(messages.Select(m => m.Epoch).Distinct());
                Assert.Equal(Enumerable.Range(0, 3 * perNode).Select(i => messages[0].Offset + i), messages.Select(m => m.Offset));
                for (var p = 0; p < 3; p++)
                    Assert.Equal(Enumerable.Range(0, perNode), RoomStream.SequenceOf(client.Texts, $"n{p}"));
            }
            // One order for all: the owner's.
            Assert.All(clients, c => Assert.Equal(clients[0].Texts, c.Texts));
        }
        finally
        {
            foreach (var c in clients) await c.DisposeAsync();
        }
    }

    [Fact]
    public async Task After_a_SIGKILL_survivors_keep_serving_and_broadcasting_and_the_dead_nodes_client_resumes_without_a_silent_gap()
    {
        var clients = new List<ChatConnection>();
        try
        {
            using var cluster = await HostCluster.StartAsync(3, Form, seed => OpenRoomOnSeedAsync(seed, clients));
            for (var n = 1; n < 3; n++) clients.Add(await ChatConnection.ConnectAsync(cluster.HttpPorts[n], positions: true));
            await WaitForPresenceAsync(cluster.HttpPorts[1], 3);
            var (onDead, onOne, onTwo) = (clients[0], clients[1], clients[2]);

            await using var probe = new RootRequestProbe([cluster.HttpPorts[1], cluster.HttpPorts[2]]);
            await using var p1 = new SteadyPublisher(onOne, "p1", PublishInterval);
            await using var p2 = new SteadyPublisher(onTwo, "p2", PublishInterval);
            foreach (var c in clients) await c.WaitUntilAsync(f => f.Count(x => x.IsMessage) >= 10, Wait, "10 messages before the kill");

            var clock = Stopwatch.StartNew();
            await cluster.KillAsync(0);
            var (sentAtKill1, sentAtKill2) = (p1.Sent, p2.Sent);
            await onDead.WaitUntilAsync(_ => onDead.Ended, Wait, "end of the killed node's connection");

            // The killed node's client reconnects to a survivor, resuming from its last position.
            var since = RoomStream.PositionAfter(onDead.Frames);
            Assert.NotNull(since);
            var resumed = await ChatConnection.ConnectAsync(cluster.HttpPorts[1], positions: true, since);
            clients.Add(resumed);

            await cluster.WaitForMembersAsync([1, 2], 2, TimeSpan.FromSeconds(40));
            output.WriteLine($"dead node downed after {clock.Elapsed.TotalSeconds:0.0} s");
            // Broadcasting among survivors resumes: every live client gets messages both survivors published after the kill.
            foreach (var c in new[] { onOne, onTwo, resumed })
                await c.WaitUntilAsync(f =>
                {
                    var texts = f.Where(x => x.IsMessage).Select(x => x.Text!).ToArray();
                    return RoomStream.SequenceOf(texts, "p1").Any(s => s >= sentAtKill1) && RoomStream.SequenceOf(texts, "p2").Any(s => s >= sentAtKill2);
                }, TimeSpan.FromSeconds(40), "messages published after the kill");
            output.WriteLine($"every client receiving again {clock.Elapsed.TotalSeconds:0.0} s after the kill");
            await p1.StopAsync();
            await p2.StopAsync();

            Assert.True(probe.Requests > 0);
            Assert.True(probe.Failures.Count == 0, $"{probe.Failures.Count} of {probe.Requests} GET / on survivors failed: {string.Join("; ", probe.Failures.Take(5))}");

            var join = resumed.Frames[0];
            Assert.Equal("joined", join.Type);
            output.WriteLine($"resume from {since}: {join}");
            var epochChanged = onOne.Frames.Any(f => f.Type == "reset");
            output.WriteLine(epochChanged ? "the killed node owned the room: survivors got a reset" : "the room's owner survived");
            if (join.Recovered == true) Assert.Equal(since, $"{join.Epoch}:{join.Offset - join.Missed}");
            else Assert.Contains(join.Reason, new[] { "epoch-changed", "too-old" });

            var histories = new Dictionary<string, IReadOnlyList<RoomFrame>>
            {
                ["client of the killed node (then resumed on node 1)"] = [.. onDead.Frames, .. resumed.Frames],
                ["client on node 1"] = onOne.Frames,
                ["client on node 2"] = onTwo.Frames,
            };
            foreach (var (name, frames) in histories)
            {
                RoomStream.AssertNoSilentGap(frames, name);
                var texts = frames.Where(f => f.IsMessage).Select(f => f.Text!).ToArray();
                foreach (var publisher in new[] { "p1", "p2" })
                {
                    var sequence = RoomStream.SequenceOf(texts, publisher);
                    Assert.True(sequence.Zip(sequence.Skip(1)).All(pair => pair.First < pair.Second), $"{name}: {publisher}'s messages out of order or repeated");
                }
            }
        }
        finally
        {
            foreach (var c in clients) await c.DisposeAsync();
        }
    }

    [Fact]
    public async Task After_a_SIGTERM_the_nodes_clients_get_1001_and_resume_elsewhere_without_loss()
    {
        var clients = new List<ChatConnection>();
        try
        {
            using var cluster = await HostCluster.StartAsync(3, Form, seed => OpenRoomOnSeedAsync(seed, clients));
            for (var n = 1; n < 3; n++) clients.Add(await ChatConnection.ConnectAsync(cluster.HttpPorts[n], positions: true));
            await WaitForPresenceAsync(cluster.HttpPorts[1], 3);
            var (onLeaving, onOne, onTwo) = (clients[0], clients[1], clients[2]);

            await using var p1 = new SteadyPublisher(onOne, "p1", PublishInterval);
            await using var p2 = new SteadyPublisher(onTwo, "p2", PublishInterval);
            foreach (var c in clients) await c.WaitUntilAsync(f => f.Count(x => x.IsMessage) >= 10, Wait, "10 messages before SIGTERM");

            await cluster.TerminateAsync(0);
            await onLeaving.WaitUntilAsync(_ => onLeaving.Ended, Wait, "the leaving node's close");
            Assert.Equal(WebSocketCloseStatus.EndpointUnavailable, onLeaving.CloseStatus);

            var since = RoomStream.PositionAfter(onLeaving.Frames);
            Assert.NotNull(since);
            var resumed = await ChatConnection.ConnectAsync(cluster.HttpPorts[1], positions: true, since);
            clients.Add(resumed);
            var (sentAtResume1, sentAtResume2) = (p1.Sent, p2.Sent);
            await resumed.WaitUntilAsync(f =>
            {
                var texts = f.Where(x => x.IsMessage).Select(x => x.Text!).ToArray();
                return RoomStream.SequenceOf(texts, "p1").Any(s => s > sentAtResume1) && RoomStream.SequenceOf(texts, "p2").Any(s => s > sentAtResume2);
            }, Wait, "live messages after the resume");
            var sent1 = await p1.StopAsync();
            var sent2 = await p2.StopAsync();

            var join = resumed.Frames[0];
            output.WriteLine($"resume from {since}: {join}");
            Assert.Equal("joined", join.Type);
            Assert.True(join.Recovered, $"not recovered: {join}");

            var last1 = $"p1:{sent1 - 1}";
            var last2 = $"p2:{sent2 - 1}";
            await resumed.WaitUntilAsync(f => f.Any(x => x.Text == last1) && f.Any(x => x.Text == last2), Wait, "the last messages");
            await onOne.WaitUntilAsync(f => f.Any(x => x.Text == last1) && f.Any(x => x.Text == last2), Wait, "the last messages");
            await onTwo.WaitUntilAsync(f => f.Any(x => x.Text == last1) && f.Any(x => x.Text == last2), Wait, "the last messages");
            // Taken after the waits: Frames is a snapshot.
            var histories = new Dictionary<string, IReadOnlyList<RoomFrame>>
            {
                ["client of the leaving node (then resumed on node 1)"] = [.. onLeaving.Frames, .. resumed.Frames],
                ["client on node 1"] = onOne.Frames,
                ["client on node 2"] = onTwo.Frames,
            };
            var epochs = new HashSet<string?>();
            foreach (var (name, frames) in histories)
            {
                Assert.DoesNotContain(frames, f => f.Type == "reset" || f.Recovered == false);
                RoomStream.AssertNoSilentGap(frames, name);
                var texts = frames.Where(f => f.IsMessage).Select(f => f.Text!).ToArray();
                // Exactly once, in order: everything the survivors published, before, during and after the switch.
                Assert.Equal(Enumerable.Range(0, sent1), RoomStream.SequenceOf(texts, "p1"));
                Assert.Equal(Enumerable.Range(0, sent2), RoomStream.SequenceOf(texts, "p2"));
                epochs.UnionWith(frames.Where(f => f.IsMessage).Select(f => f.Epoch));
            }
            // The hand-off kept the epoch (whichever node owned the room).
            Assert.Single(epochs);
            Assert.Equal(0, await cluster[0].WaitForExitAsync(Wait));
        }
        finally
        {
            foreach (var c in clients) await c.DisposeAsync();
        }
    }

    /// <summary>
    /// The first client, on the seed while it is the only node: the room's owner starts there, so stopping node 0
    /// stops the owner (unless sharding rebalanced the room since; the tests hold either way).
    /// </summary>
    private static async Task OpenRoomOnSeedAsync(int seedPort, List<ChatConnection> clients)
    {
        var first = await ChatConnection.ConnectAsync(seedPort, positions: true);
        clients.Add(first);
        await first.PublishAsync("first");
        await first.WaitUntilAsync(f => f.Any(x => x.Text == "first"), Wait, "the first message");
    }

    /// <summary>Waits until the room's owner lists <paramref name="count"/> members (GET /presence/chat).</summary>
    private static async Task WaitForPresenceAsync(int port, int count)
    {
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var deadline = DateTime.UtcNow + Wait;
        var last = "";
        while (true)
        {
            try
            {
                last = await client.GetStringAsync($"http://127.0.0.1:{port}/presence/chat");
                using var doc = JsonDocument.Parse(last);
                if (doc.RootElement.GetArrayLength() == count) return;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                last = e.Message;
            }
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"chat did not get {count} members: {last}");
            await Task.Delay(100);
        }
    }
}
