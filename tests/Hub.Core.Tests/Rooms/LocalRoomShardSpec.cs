using System.Text;
using System.Text.Json;
using Akka.Actor;
using Hub.Configuration;
using Hub.Core.Tests.TestKit;
using Hub.PubSub;
using Hub.WebSockets;
using Xunit.Abstractions;

namespace Hub.Core.Tests.Rooms;

/// <summary>The single-node home of room owners: routing by room, one owner per room, passivation without loss.</summary>
public sealed class LocalRoomShardSpec(ITestOutputHelper output)
    : Akka.TestKit.Xunit2.TestKit(HubTestConfig.Default.WithFallback(HubSettings.DefaultConfig()), output: output)
{
    private static RoomSettings Settings(TimeSpan? maxAge = null) =>
        HubSettings.Default.Rooms with { History = new RoomHistorySettings(100, maxAge ?? TimeSpan.FromMinutes(5)) };

    private IActorRef StartShard(RoomSettings? settings = null)
    {
        var s = settings ?? Settings();
        return Sys.ActorOf(Props.Create(() => new LocalRoomShard(s)));
    }

    private static void Join(IActorRef shard, string room, string member, Akka.TestKit.TestProbe node, RoomPosition? since = null) =>
        shard.Tell(new JoinRoom(room, member, null, node.Ref, since), node.Ref);

    private static void Publish(IActorRef shard, string room, string text) =>
        shard.Tell(new PublishToRoom(room, PreparedFrame.Text(text), null), ActorRefs.NoSender);

    /// <summary>The owner's acceptance and its sender (the owner itself), skipping presence events.</summary>
    private static async Task<(JoinAccepted Accepted, IActorRef Owner)> AcceptedAsync(Akka.TestKit.TestProbe node)
    {
        var accepted = await node.FishForMessageAsync<JoinAccepted>(_ => true);
        return (accepted, node.LastSender);
    }

    private static async Task<RoomMessage> NextMessageAsync(Akka.TestKit.TestProbe node) =>
        await node.FishForMessageAsync<RoomMessage>(_ => true);

    [Fact]
    public async Task Routes_commands_by_room_to_one_owner_per_room()
    {
        var shard = StartShard();
        var node = CreateTestProbe();
        Join(shard, "a", "m1", node);
        var (a1, ownerA) = await AcceptedAsync(node);
        Join(shard, "b", "m2", node);
        var (b1, ownerB) = await AcceptedAsync(node);
        Join(shard, "a", "m3", node);
        var (a2, ownerA2) = await AcceptedAsync(node);

        Assert.Equal("a", a1.Room);
        Assert.Equal("b", b1.Room);
        Assert.Equal(ownerA, ownerA2);
        Assert.NotEqual(ownerA, ownerB);
        Assert.Equal(a1.Head.Epoch, a2.Head.Epoch);
        Assert.NotEqual(a1.Head.Epoch, b1.Head.Epoch);
        Assert.Equal(shard.Path, ownerA.Path.Parent);

        // Each room numbers its own messages.
        Publish(shard, "a", "a-one");
        Publish(shard, "b", "b-one");
        Publish(shard, "a", "a-two");
        var got = new[] { await NextMessageAsync(node), await NextMessageAsync(node), await NextMessageAsync(node) };
        // Two owners, two senders: only each room's own order is defined.
        Assert.Equal([1L, 2L], got.Where(m => m.Room == "a").Select(m => m.Offset));
        Assert.Equal([1L], got.Where(m => m.Room == "b").Select(m => m.Offset));
        Assert.Equal(["a-one", "a-two"], got.Where(m => m.Room == "a").Select(m => Encoding.UTF8.GetString(m.Frame.PayloadToArray())));
    }

    [Fact]
    public async Task Presence_requests_are_answered_by_the_rooms_owner()
    {
        var shard = StartShard();
        var node = CreateTestProbe();
        Join(shard, "a", "m1", node);
        await AcceptedAsync(node);
        shard.Tell(new GetPresence("a"));
        Assert.Equal(["m1"], (await ExpectMsgAsync<PresenceList>()).Members.Select(m => m.Member));
        shard.Tell(new GetPresence("b"));
        Assert.Empty((await ExpectMsgAsync<PresenceList>()).Members);
    }

    [Theory]
    [InlineData("with space/and slash")]
    [InlineData("ünïcødé 中文")]
    [InlineData("$weird#name%41?x=1")]
    [InlineData("-")]
    public async Task Rooms_with_any_name_get_an_owner(string room)
    {
        var shard = StartShard();
        var node = CreateTestProbe();
        Join(shard, room, "m1", node);
        var (accepted, _) = await AcceptedAsync(node);
        Assert.Equal(room, accepted.Room);
        Publish(shard, room, "x");
        Assert.Equal(room, (await NextMessageAsync(node)).Room);
    }

    [Fact]
    public async Task Commands_that_arrive_while_an_owner_passivates_go_to_its_next_incarnation()
    {
        var shard = StartShard();
        var a = CreateTestProbe();
        Join(shard, "r", "m1", a);
        var (first, owner) = await AcceptedAsync(a);

        // The owner asks to be passivated; commands for its room follow right behind, before it is gone.
        shard.Tell(new LocalRoomShard.Passivate("r"), owner);
        var b = CreateTestProbe();
        Join(shard, "r", "m2", b);
        Publish(shard, "r", "kept");
        shard.Tell(new GetPresence("r"));

        var (second, next) = await AcceptedAsync(b);
        Assert.NotEqual(owner, next);
        Assert.NotEqual(first.Head.Epoch, second.Head.Epoch);
        Assert.Equal(0, second.Head.Offset);
        var message = await NextMessageAsync(b);
        Assert.Equal((second.Head.Epoch, 1L), (message.Epoch, message.Offset));
        Assert.Equal(next, b.LastSender);
        Assert.Equal(["m2"], (await ExpectMsgAsync<PresenceList>()).Members.Select(m => m.Member));
        Watch(owner);
        await ExpectTerminatedAsync(owner);
    }

    [Fact]
    public async Task A_passivate_from_anyone_but_the_rooms_owner_is_ignored()
    {
        var shard = StartShard();
        var node = CreateTestProbe();
        Join(shard, "r", "m1", node);
        var (first, owner) = await AcceptedAsync(node);

        shard.Tell(new LocalRoomShard.Passivate("r"), CreateTestProbe().Ref);
        shard.Tell(new LocalRoomShard.Passivate("other"), owner);
        Join(shard, "r", "m2", node);
        var (second, sameOwner) = await AcceptedAsync(node);
        Assert.Equal(owner, sameOwner);
        Assert.Equal(first.Head.Epoch, second.Head.Epoch);
    }

    [Fact]
    public async Task An_idle_owner_passivates_and_the_next_command_starts_a_new_epoch()
    {
        var shard = StartShard(Settings(maxAge: TimeSpan.FromMilliseconds(100)));
        var node = CreateTestProbe();
        Join(shard, "r", "m1", node);
        var (first, owner) = await AcceptedAsync(node);
        Watch(owner);
        shard.Tell(new LeaveRoom("r", "m1"));

        await ExpectTerminatedAsync(owner, TimeSpan.FromSeconds(10));
        Join(shard, "r", "m1", node);
        var (second, next) = await AcceptedAsync(node);
        Assert.NotEqual(owner, next);
        Assert.NotEqual(first.Head.Epoch, second.Head.Epoch);
    }

    [Fact]
    public async Task A_failed_owner_is_stopped_not_restarted_and_a_new_one_takes_the_room()
    {
        var shard = StartShard();
        var node = CreateTestProbe();
        Join(shard, "r", "m1", node);
        var (first, owner) = await AcceptedAsync(node);
        Watch(owner);
        // Handing off needs a cluster: on a local system it throws, which is a failure like any other here.
        owner.Tell(HandOffRoom.Instance);
        await ExpectTerminatedAsync(owner);

        Join(shard, "r", "m1", node);
        var (second, next) = await AcceptedAsync(node);
        Assert.NotEqual(owner, next);
        Assert.NotEqual(first.Head.Epoch, second.Head.Epoch);
    }

    private static string Frame(object message) =>
        Encoding.UTF8.GetString(Assert.IsType<WsOutbound.Frame>(message).Prepared.PayloadToArray());

    private static JsonElement Envelope(object message)
    {
        using var doc = JsonDocument.Parse(Frame(message));
        return doc.RootElement.Clone();
    }

    [Fact]
    public async Task With_a_real_node_a_resuming_socket_gets_its_missed_messages_then_live_ones()
    {
        var shard = StartShard();
        var node = Sys.ActorOf(Props.Create(() => new RoomNodeActor(shard)));
        var first = CreateTestProbe();
        node.Tell(new RoomNodeActor.Join("r", "m1", first.Ref, first.Ref, RoomNodeActor.DeliveryMode.Envelopes, new RoomJoinOptions()));
        var head = (await ExpectMsgAsync<RoomJoinResult>()).Head;
        Assert.Equal("joined", Envelope(await first.ExpectMsgAsync<WsOutbound.Frame>()).GetProperty("type").GetString());
        for (var i = 1; i <= 3; i++) Publish(shard, "r", "m" + i);
        for (var i = 1; i <= 3; i++) Assert.Equal(i, Envelope(await first.ExpectMsgAsync<WsOutbound.Frame>()).GetProperty("offset").GetInt64());

        var second = CreateTestProbe();
        node.Tell(new RoomNodeActor.Join("r", "m2", second.Ref, second.Ref, RoomNodeActor.DeliveryMode.Envelopes,
            new RoomJoinOptions { Since = head with { Offset = 1 } }));
        Assert.Equal(new RoomJoinResult(head with { Offset = 3 }, true, 2, null, "m2"), await ExpectMsgAsync<RoomJoinResult>());
        Publish(shard, "r", "m4");
        var joined = Envelope(await second.ExpectMsgAsync<WsOutbound.Frame>());
        Assert.Equal(2, joined.GetProperty("missed").GetInt32());
        foreach (var (offset, text) in new[] { (2L, "m2"), (3L, "m3"), (4L, "m4") })
        {
            var e = Envelope(await second.ExpectMsgAsync<WsOutbound.Frame>());
            Assert.Equal((offset, text), (e.GetProperty("offset").GetInt64(), e.GetProperty("text").GetString()));
        }
        Assert.Equal(4, Envelope(await first.ExpectMsgAsync<WsOutbound.Frame>()).GetProperty("offset").GetInt64());
    }

    [Fact]
    public async Task With_a_real_node_a_live_socket_learns_of_a_lost_owner_by_a_reset_and_continues_in_the_new_epoch()
    {
        var shard = StartShard();
        var node = Sys.ActorOf(Props.Create(() => new RoomNodeActor(shard)));
        var socket = CreateTestProbe();
        node.Tell(new RoomNodeActor.Join("r", "m1", socket.Ref, socket.Ref, RoomNodeActor.DeliveryMode.Envelopes,
            new RoomJoinOptions { SendJoined = false }));
        var head = (await ExpectMsgAsync<RoomJoinResult>()).Head;
        Publish(shard, "r", "before");
        Assert.Equal(head.Epoch + ":1", Envelope(await socket.ExpectMsgAsync<WsOutbound.Frame>()).GetProperty("position").GetString());

        var owner = await Sys.ActorSelection(shard.Path / "r-1").ResolveOne(TimeSpan.FromSeconds(5));
        owner.Tell(HandOffRoom.Instance); // fails on a local system: the owner is stopped and its history lost

        var reset = Envelope(await socket.ExpectMsgAsync<WsOutbound.Frame>());
        Assert.Equal("reset", reset.GetProperty("type").GetString());
        Assert.Equal("epoch-changed", reset.GetProperty("reason").GetString());
        var epoch = reset.GetProperty("epoch").GetString()!;
        Assert.NotEqual(head.Epoch, epoch);
        Assert.Equal(0, reset.GetProperty("offset").GetInt64());

        Publish(shard, "r", "after");
        var next = Envelope(await socket.ExpectMsgAsync<WsOutbound.Frame>());
        Assert.Equal((epoch + ":1", "after"), (next.GetProperty("position").GetString(), next.GetProperty("text").GetString()));
        shard.Tell(new GetPresence("r"));
        Assert.Equal(["m1"], (await ExpectMsgAsync<PresenceList>()).Members.Select(m => m.Member));
    }
}
