using System.Text;
using Akka.Cluster;
using Hub.Cluster;
using Hub.Cluster.Tests.Support;
using Hub.Server.Hosting;
using Hub.PubSub;

namespace Hub.Cluster.Tests;

/// <summary>One room spanning two nodes: delivery both ways, per-publisher order, exceptSelf, size limit.</summary>
public sealed class DistributedRoomTests(DistributedRoomTests.ClusterFixture fixture)
    : IClassFixture<DistributedRoomTests.ClusterFixture>
{
    private static readonly TimeSpan ReceiveTimeout = TimeSpan.FromSeconds(15);

    /// <summary>Joins the room named in the path; "except:"-prefixed texts are published with exceptSelf.</summary>
    private sealed class RoomSocket : WebSocketHandler
    {
        public override Task OpenAsync() => Rooms.JoinAsync(RouteValues["room"]);

        public override Task OnMessageAsync(WsMessage m)
        {
            Rooms.Publish(RouteValues["room"], m.Text, exceptSelf: m.Text.StartsWith("except:", StringComparison.Ordinal));
            return Task.CompletedTask;
        }
    }

    public sealed class ClusterFixture : IAsyncLifetime
    {
        public TwoNodeCluster Cluster { get; private set; } = null!;

        public async Task InitializeAsync() => Cluster = await TwoNodeCluster.StartAsync(r => r.Map<RoomSocket>("/room/{room}"));

        public async Task DisposeAsync() => await Cluster.DisposeAsync();
    }

    private TwoNodeCluster Nodes => fixture.Cluster;

    private async Task<(SocketClient A, SocketClient B)> ConnectPairAsync(string room)
    {
        var a = await SocketClient.ConnectAsync(Nodes.BindingA.Port, "/room/" + room);
        var b = await SocketClient.ConnectAsync(Nodes.BindingB.Port, "/room/" + room);
        // The upgrade completes before the socket's join reaches the room's owner: probe (bounded) until both have joined.
        await WaitUntilReachesAsync(a, b);
        await WaitUntilReachesAsync(b, a);
        return (a, b);
    }

    private static async Task WaitUntilReachesAsync(SocketClient from, SocketClient to)
    {
        var probe = "except:probe:" + Guid.NewGuid().ToString("N");
        for (var attempt = 0; attempt < 75; attempt++)
        {
            await from.SendAsync(probe);
            if (await to.TryReceiveAsync(probe, TimeSpan.FromMilliseconds(200)) is not null) return;
        }
        throw new TimeoutException("the room never reached the other node");
    }

    [Fact]
    public void Both_nodes_are_up_members_of_one_cluster()
    {
        foreach (var system in new[] { Nodes.A, Nodes.B })
            Assert.Equal(2, Akka.Cluster.Cluster.Get(system).State.Members.Count(m => m.Status == MemberStatus.Up));
    }

    [Fact]
    public void Room_messages_are_bound_to_the_hub_serializer_on_both_nodes()
    {
        foreach (var system in new[] { Nodes.A, Nodes.B })
            Assert.IsType<HubSerializer>(system.Serialization.FindSerializerFor(new RoomMessage("r", "e", 1, WebSockets.PreparedFrame.Text("x"), null, 0)));
    }

    [Fact]
    public async Task A_message_published_on_either_node_reaches_the_client_on_the_other()
    {
        var (a, b) = await ConnectPairAsync("both-ways");
        await using var _a = a;
        await using var _b = b;

        await a.SendAsync("from-a: hello");
        Assert.Equal("from-a: hello", await b.ReceiveAsync("from-a:", ReceiveTimeout));
        Assert.Equal("from-a: hello", await a.ReceiveAsync("from-a:", ReceiveTimeout));

        await b.SendAsync("from-b: hi ü");
        Assert.Equal("from-b: hi ü", await a.ReceiveAsync("from-b:", ReceiveTimeout));
        Assert.Equal("from-b: hi ü", await b.ReceiveAsync("from-b:", ReceiveTimeout));
    }

    [Fact]
    public async Task Messages_of_one_publisher_arrive_in_order_on_the_other_node()
    {
        var (a, b) = await ConnectPairAsync("order");
        await using var _a = a;
        await using var _b = b;

        for (var i = 0; i < 100; i++)
        {
            await a.SendAsync($"a-{i}");
            await b.SendAsync($"b-{i}");
        }
        for (var i = 0; i < 100; i++)
        {
            Assert.Equal($"a-{i}", await b.ReceiveAsync("a-", ReceiveTimeout));
            Assert.Equal($"b-{i}", await a.ReceiveAsync("b-", ReceiveTimeout));
        }
    }

    [Fact]
    public async Task ExceptSelf_skips_only_the_publisher_across_nodes()
    {
        var (a, b) = await ConnectPairAsync("except");
        await using var _a = a;
        await using var _b = b;

        await a.SendAsync("except:x1");
        await a.SendAsync("marker:1");
        Assert.Equal("except:x1", await b.ReceiveAsync("except:x", ReceiveTimeout));
        // A's own frames reach A in publish order: the marker proves the excepted frame was not sent before it.
        var first = await a.ReceiveAsync("", ReceiveTimeout);
        while (first.StartsWith("except:probe:", StringComparison.Ordinal)) first = await a.ReceiveAsync("", ReceiveTimeout);
        Assert.Equal("marker:1", first);
    }

    [Fact]
    public async Task PublishAsync_on_either_node_returns_the_position_the_members_see()
    {
        await using var follower = new RoomFollower(HubExtension.Get(Nodes.A).Rooms, "acked");
        var roomsB = HubExtension.Get(Nodes.B).Rooms;
        // The follower's join may not have reached the owner yet: publish until it sees one, then check positions.
        var deadline = DateTime.UtcNow + ReceiveTimeout;
        while (!follower.Texts.Contains("acked:warm-up"))
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("the follower on A never saw a message from B");
            roomsB.Publish("acked", "acked:warm-up");
            await Task.Delay(100);
        }

        var fromB = await roomsB.PublishAsync("acked", "acked:from-b");
        var fromA = await HubExtension.Get(Nodes.A).Rooms.PublishAsync("acked", "acked:from-a");
        await follower.WaitUntilAsync(_ => follower.Texts.Contains("acked:from-a"), ReceiveTimeout, "both acknowledged messages");
        var seen = follower.Messages.ToDictionary(e => e.Message!.Text, e => e.Position);
        Assert.Equal(seen["acked:from-b"], fromB);
        Assert.Equal(seen["acked:from-a"], fromA);
        Assert.Equal(fromB.Offset + 1, fromA.Offset);
    }

    [Fact]
    public async Task A_broadcast_over_the_size_limit_is_refused_at_the_publisher()
    {
        var rooms = HubExtension.Get(Nodes.A).Rooms;
        var limit = HubExtension.Get(Nodes.A).Settings.Rooms.MaxBroadcastSize;
        Assert.Equal(120 * 1024, limit);
        var error = Assert.Throws<ArgumentException>(() => rooms.Publish("big", new byte[limit + 1]));
        Assert.Contains("hub.rooms.max-broadcast-size", error.Message);

        // At the limit it still crosses (below remoting's 128000-byte frame).
        var (a, b) = await ConnectPairAsync("big");
        await using var _a = a;
        await using var _b = b;
        rooms.Publish("big", Encoding.UTF8.GetBytes("big:" + new string('x', limit - 4)));
        Assert.Equal(limit, (await b.ReceiveAsync("big:", ReceiveTimeout)).Length);
    }
}
