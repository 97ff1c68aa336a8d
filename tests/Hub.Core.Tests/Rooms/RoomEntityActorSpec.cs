using Akka.Actor;
using Akka.Configuration;
using Akka.TestKit;
using Hub.Configuration;
using Hub.Core.Tests.TestKit;
using Hub.PubSub;
using Hub.WebSockets;
using Xunit.Abstractions;

namespace Hub.Core.Tests.Rooms;

/// <summary>
/// A room's owner (single-node flavour) against TestProbes playing the nodes' RoomNodeActors: numbering, once-per-node
/// fan-out, resume replays, presence, node loss and idle passivation. The spec's TestActor is the owner's parent (the
/// LocalRoomShard's place).
/// </summary>
public sealed class RoomEntityActorSpec(ITestOutputHelper output)
    : Akka.TestKit.Xunit2.TestKit(HubTestConfig.Default.WithFallback(HubSettings.DefaultConfig()), output: output)
{
    private const string Room = "chat";

    private static RoomSettings Settings(TimeSpan? maxAge = null, int maxMessages = 100) =>
        HubSettings.Default.Rooms with { History = new RoomHistorySettings(maxMessages, maxAge ?? TimeSpan.FromMinutes(5)) };

    private Task<IActorRef> StartAsync(RoomSettings? settings = null)
    {
        var s = settings ?? Settings();
        return ChildActorOfAsync(Props.Create(() => new RoomEntityActor(Room, s, RoomOwnerHome.Local)));
    }

    private static void Join(IActorRef entity, TestProbe node, string member, string? user = null, RoomPosition? since = null) =>
        entity.Tell(new JoinRoom(Room, member, user, node.Ref, since), node.Ref);

    private static void Publish(IActorRef entity, string text, string? except = null) =>
        entity.Tell(new PublishToRoom(Room, PreparedFrame.Text(text), except), ActorRefs.NoSender);

    private static string Text(RoomMessage m) => System.Text.Encoding.UTF8.GetString(m.Frame.PayloadToArray());

    private static string NodeAddress(TestProbe node) => node.Ref.Path.Address.ToString();

    /// <summary>Joins and consumes the owner's answer and the member's own presence join on its node.</summary>
    private static async Task<JoinAccepted> JoinedAsync(IActorRef entity, TestProbe node, string member, string? user = null, RoomPosition? since = null)
    {
        Join(entity, node, member, user, since);
        var accepted = await node.ExpectMsgAsync<JoinAccepted>();
        var joined = await node.ExpectMsgAsync<PresenceChanged>();
        Assert.True(joined.Event.Joined);
        Assert.Equal(member, joined.Event.Member.Member);
        return accepted;
    }

    [Fact]
    public async Task Join_is_accepted_with_the_head_and_nothing_to_replay()
    {
        var entity = await StartAsync();
        var node = CreateTestProbe();
        Join(entity, node, "m1", "alice");

        var accepted = await node.ExpectMsgAsync<JoinAccepted>();
        Assert.Equal(entity, node.LastSender);
        Assert.Equal(Room, accepted.Room);
        Assert.Equal("m1", accepted.Member);
        Assert.Equal(0, accepted.Head.Offset);
        Assert.Matches("^[0-9a-z]{10}$", accepted.Head.Epoch);
        Assert.True(accepted.Recovered);
        Assert.Null(accepted.Reason);
        Assert.Empty(accepted.Replay);

        // Then the room (this node included) hears of the join.
        var presence = await node.ExpectMsgAsync<PresenceChanged>();
        Assert.Equal(new PresenceEvent(Room, true, new PresenceMember("m1", "alice", NodeAddress(node))), presence.Event);
    }

    [Fact]
    public async Task Publishes_are_numbered_1_2_3_and_sent_once_to_every_node_with_members()
    {
        var entity = await StartAsync();
        var a = CreateTestProbe();
        var b = CreateTestProbe();
        var idle = CreateTestProbe();
        var head = (await JoinedAsync(entity, a, "a1")).Head;
        await JoinedAsync(entity, a, "a2");
        await JoinedAsync(entity, b, "b1");
        Assert.Equal("b1", (await a.ExpectMsgAsync<PresenceChanged>()).Event.Member.Member);

        Publish(entity, "one");
        Publish(entity, "two", except: "a2");
        Publish(entity, "three");

        foreach (var node in new[] { a, b })
        {
            var got = new[] { await node.ExpectMsgAsync<RoomMessage>(), await node.ExpectMsgAsync<RoomMessage>(), await node.ExpectMsgAsync<RoomMessage>() };
            Assert.Equal([1L, 2L, 3L], got.Select(m => m.Offset));
            Assert.All(got, m => Assert.Equal(head.Epoch, m.Epoch));
            Assert.All(got, m => Assert.Equal(Room, m.Room));
            Assert.Equal(["one", "two", "three"], got.Select(Text));
            Assert.Equal([null, "a2", null], got.Select(m => m.ExceptMember));
            // Once per node, even with two members on it.
            await node.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(200));
        }
        await idle.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(100));
    }

    [Fact]
    public async Task Messages_published_before_any_join_are_numbered_and_retained()
    {
        var entity = await StartAsync();
        Publish(entity, "one");
        Publish(entity, "two");
        var node = CreateTestProbe();
        var accepted = await JoinedAsync(entity, node, "m1");
        Assert.Equal(2, accepted.Head.Offset);
        Assert.Empty(accepted.Replay);

        var resumer = CreateTestProbe();
        var resumed = await JoinedAsync(entity, resumer, "m2", since: new RoomPosition(accepted.Head.Epoch, 0));
        Assert.True(resumed.Recovered);
        Assert.Equal(["one", "two"], resumed.Replay.Select(Text));
    }

    [Fact]
    public async Task A_resuming_join_gets_exactly_the_missed_messages()
    {
        var entity = await StartAsync();
        var a = CreateTestProbe();
        var epoch = (await JoinedAsync(entity, a, "a1")).Head.Epoch;
        for (var i = 1; i <= 5; i++) Publish(entity, "m" + i);
        for (var i = 1; i <= 5; i++) await a.ExpectMsgAsync<RoomMessage>();

        var b = CreateTestProbe();
        Join(entity, b, "b1", since: new RoomPosition(epoch, 2));
        var accepted = await b.ExpectMsgAsync<JoinAccepted>();
        Assert.True(accepted.Recovered);
        Assert.Null(accepted.Reason);
        Assert.Equal(new RoomPosition(epoch, 5), accepted.Head);
        Assert.Equal([3L, 4L, 5L], accepted.Replay.Select(m => m.Offset));
        Assert.Equal(["m3", "m4", "m5"], accepted.Replay.Select(Text));
    }

    [Fact]
    public async Task A_resume_that_cannot_be_recovered_says_why()
    {
        var entity = await StartAsync(Settings(maxMessages: 2));
        var a = CreateTestProbe();
        var epoch = (await JoinedAsync(entity, a, "a1")).Head.Epoch;
        for (var i = 1; i <= 5; i++) Publish(entity, "m" + i);

        var b = CreateTestProbe();
        Join(entity, b, "b1", since: new RoomPosition(epoch, 1));
        var tooOld = await b.ExpectMsgAsync<JoinAccepted>();
        Assert.False(tooOld.Recovered);
        Assert.Equal("too-old", tooOld.Reason);
        Assert.Equal([4L, 5L], tooOld.Replay.Select(m => m.Offset));

        var c = CreateTestProbe();
        Join(entity, c, "c1", since: new RoomPosition("elsewhere", 9));
        var changed = await c.ExpectMsgAsync<JoinAccepted>();
        Assert.False(changed.Recovered);
        Assert.Equal("epoch-changed", changed.Reason);
        Assert.Equal([4L, 5L], changed.Replay.Select(m => m.Offset));

        var d = CreateTestProbe();
        Join(entity, d, "d1", since: new RoomPosition(epoch, 6));
        var ahead = await d.ExpectMsgAsync<JoinAccepted>();
        Assert.False(ahead.Recovered);
        Assert.Equal("ahead", ahead.Reason);
        Assert.Empty(ahead.Replay);
    }

    [Fact]
    public async Task A_member_joining_again_from_its_node_gets_the_replay_without_a_second_presence_join()
    {
        var entity = await StartAsync();
        var node = CreateTestProbe();
        var epoch = (await JoinedAsync(entity, node, "m1")).Head.Epoch;
        Publish(entity, "one");
        Publish(entity, "two");
        await node.ExpectMsgAsync<RoomMessage>();
        await node.ExpectMsgAsync<RoomMessage>();

        // What a node does to repair a gap: the same member joins again with its last position.
        Join(entity, node, "m1", since: new RoomPosition(epoch, 1));
        var again = await node.ExpectMsgAsync<JoinAccepted>();
        Assert.True(again.Recovered);
        Assert.Equal([2L], again.Replay.Select(m => m.Offset));

        Publish(entity, "three");
        // Still one member: the message arrives once, with no presence event before it.
        Assert.Equal(3, (await node.ExpectMsgAsync<RoomMessage>()).Offset);
        entity.Tell(new GetPresence(Room));
        Assert.Equal(["m1"], (await ExpectMsgAsync<PresenceList>()).Members.Select(m => m.Member));
    }

    [Fact]
    public async Task Presence_join_and_leave_reach_every_node_with_members()
    {
        var entity = await StartAsync();
        var a = CreateTestProbe();
        var b = CreateTestProbe();
        await JoinedAsync(entity, a, "a1", "alice");
        await JoinedAsync(entity, b, "b1", "bob");
        var joined = await a.ExpectMsgAsync<PresenceChanged>();
        Assert.Equal(new PresenceEvent(Room, true, new PresenceMember("b1", "bob", NodeAddress(b))), joined.Event);

        entity.Tell(new LeaveRoom(Room, "b1"));
        var left = await a.ExpectMsgAsync<PresenceChanged>();
        Assert.Equal(new PresenceEvent(Room, false, new PresenceMember("b1", "bob", NodeAddress(b))), left.Event);

        // b has no members left: it no longer gets the room's messages.
        Publish(entity, "after");
        Assert.Equal(1, (await a.ExpectMsgAsync<RoomMessage>()).Offset);
        await b.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(200));
    }

    [Fact]
    public async Task Leaving_an_unknown_member_changes_nothing()
    {
        var entity = await StartAsync();
        var a = CreateTestProbe();
        await JoinedAsync(entity, a, "a1");
        entity.Tell(new LeaveRoom(Room, "nobody"));
        entity.Tell(new GetPresence(Room));
        Assert.Single((await ExpectMsgAsync<PresenceList>()).Members);
        await a.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(100));
    }

    [Fact]
    public async Task GetPresence_lists_every_member_with_user_and_node()
    {
        var entity = await StartAsync();
        entity.Tell(new GetPresence(Room));
        var empty = await ExpectMsgAsync<PresenceList>();
        Assert.Equal(Room, empty.Room);
        Assert.Empty(empty.Members);

        var a = CreateTestProbe();
        var b = CreateTestProbe();
        await JoinedAsync(entity, a, "a1", "alice");
        await JoinedAsync(entity, a, "a2");
        await JoinedAsync(entity, b, "b1", "bob");

        entity.Tell(new GetPresence(Room));
        var list = await ExpectMsgAsync<PresenceList>();
        Assert.Equal(
            new[] { new PresenceMember("a1", "alice", NodeAddress(a)), new PresenceMember("a2", null, NodeAddress(a)), new PresenceMember("b1", "bob", NodeAddress(b)) },
            list.Members.OrderBy(m => m.Member, StringComparer.Ordinal));
    }

    [Fact]
    public async Task Members_of_a_node_that_stops_leave_the_room()
    {
        var entity = await StartAsync();
        var a = CreateTestProbe();
        var b = CreateTestProbe();
        await JoinedAsync(entity, a, "a1");
        await JoinedAsync(entity, b, "b1");
        await a.ExpectMsgAsync<PresenceChanged>();
        await JoinedAsync(entity, b, "b2");
        await a.ExpectMsgAsync<PresenceChanged>();

        Sys.Stop(b.Ref);
        var leaves = new[] { await a.ExpectMsgAsync<PresenceChanged>(), await a.ExpectMsgAsync<PresenceChanged>() };
        Assert.All(leaves, l => Assert.False(l.Event.Joined));
        Assert.Equal(["b1", "b2"], leaves.Select(l => l.Event.Member.Member).Order(StringComparer.Ordinal));

        entity.Tell(new GetPresence(Room));
        Assert.Equal(["a1"], (await ExpectMsgAsync<PresenceList>()).Members.Select(m => m.Member));
        Publish(entity, "still here");
        Assert.Equal("still here", Text(await a.ExpectMsgAsync<RoomMessage>()));
    }

    [Fact]
    public async Task A_member_that_moves_to_another_node_is_announced_as_leaving_and_joining()
    {
        var entity = await StartAsync();
        var watcher = CreateTestProbe();
        var a = CreateTestProbe();
        var b = CreateTestProbe();
        await JoinedAsync(entity, watcher, "w1");
        await JoinedAsync(entity, a, "m1");
        await watcher.ExpectMsgAsync<PresenceChanged>();

        Join(entity, b, "m1");
        Assert.Equal("m1", (await b.ExpectMsgAsync<JoinAccepted>()).Member);
        var left = await watcher.ExpectMsgAsync<PresenceChanged>();
        Assert.Equal(new PresenceEvent(Room, false, new PresenceMember("m1", null, NodeAddress(a))), left.Event);
        // Presence watchers must not be left believing m1 is gone while the owner lists it.
        var joined = await watcher.ExpectMsgAsync<PresenceChanged>();
        Assert.Equal(new PresenceEvent(Room, true, new PresenceMember("m1", null, NodeAddress(b))), joined.Event);
    }

    [Fact]
    public async Task Presence_names_a_node_on_the_owners_own_system_by_its_full_address()
    {
        // Remoting on: presence must tell nodes apart, so a member held by the owner's own node carries host and port
        // like every member of another node does (docs/rooms-protocol.md: "node":"akka.tcp://hub@127.0.0.1:4053").
        var config = ConfigurationFactory.ParseString("""
                akka.actor.provider = remote
                akka.remote.dot-netty.tcp { hostname = "127.0.0.1", port = 0 }
                akka.coordinated-shutdown.run-by-clr-shutdown-hook = off
                """).WithFallback(HubTestConfig.Default).WithFallback(HubSettings.DefaultConfig());
        var system = ActorSystem.Create("presence-node", config);
        try
        {
            var settings = Settings();
            var entity = system.ActorOf(Props.Create(() => new RoomEntityActor(Room, settings, RoomOwnerHome.Local)));
            var node = CreateTestProbe(system);
            Join(entity, node, "m1");
            await node.ExpectMsgAsync<JoinAccepted>();
            var joined = await node.ExpectMsgAsync<PresenceChanged>();
            var address = ((ExtendedActorSystem)system).Provider.DefaultAddress;
            Assert.Equal(address.ToString(), joined.Event.Member.Node);
            Assert.Contains("127.0.0.1", joined.Event.Member.Node, StringComparison.Ordinal);
        }
        finally
        {
            await system.Terminate().WaitAsync(TimeSpan.FromSeconds(20));
        }
    }

    [Fact]
    public async Task An_owner_without_members_asks_its_parent_to_passivate_it_once_history_aged_out()
    {
        var entity = await StartAsync(Settings(maxAge: TimeSpan.FromMilliseconds(100)));
        // Idle timeout = max-age + 1 s.
        var passivate = await ExpectMsgAsync<LocalRoomShard.Passivate>(TimeSpan.FromSeconds(10));
        Assert.Equal(Room, passivate.Room);
        Assert.Equal(entity, LastSender);
    }

    [Fact]
    public async Task An_owner_with_members_never_passivates_and_does_once_they_left()
    {
        var entity = await StartAsync(Settings(maxAge: TimeSpan.FromMilliseconds(100)));
        var node = CreateTestProbe();
        await JoinedAsync(entity, node, "m1");
        await ExpectNoMsgAsync(TimeSpan.FromSeconds(2.5));

        entity.Tell(new LeaveRoom(Room, "m1"));
        Assert.Equal(Room, (await ExpectMsgAsync<LocalRoomShard.Passivate>(TimeSpan.FromSeconds(10))).Room);
    }

    [Fact]
    public async Task An_owner_whose_last_node_stopped_passivates()
    {
        var entity = await StartAsync(Settings(maxAge: TimeSpan.FromMilliseconds(100)));
        var node = CreateTestProbe();
        await JoinedAsync(entity, node, "m1");
        Sys.Stop(node.Ref);
        Assert.Equal(Room, (await ExpectMsgAsync<LocalRoomShard.Passivate>(TimeSpan.FromSeconds(10))).Room);
        Assert.Equal(entity, LastSender);
    }
}
