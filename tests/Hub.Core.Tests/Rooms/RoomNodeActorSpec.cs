using System.Text;
using System.Text.Json;
using Akka.Actor;
using Akka.TestKit;
using Hub.Configuration;
using Hub.Core.Tests.TestKit;
using Hub.PubSub;
using Hub.WebSockets;
using Xunit.Abstractions;

namespace Hub.Core.Tests.Rooms;

/// <summary>
/// One node's fan-out against TestProbes: <c>owners</c> (the shard), the room's owner entity, each member's outbox
/// (its WebSocket) and its connection. Covers the join handshake, replay-before-live, delivery modes, gap repair by
/// rejoining with <c>since</c>, presence routing, hand-off snapshots and counts.
/// </summary>
public sealed class RoomNodeActorSpec(ITestOutputHelper output)
    : Akka.TestKit.Xunit2.TestKit(HubTestConfig.Default.WithFallback(HubSettings.DefaultConfig()), output: output)
{
    private const string Room = "chat";
    private const string E = "epoch1";
    private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(200);

    private sealed record Setup(TestProbe Owners, IActorRef Node);

    private sealed record Socket(TestProbe Outbox, TestProbe Connection, string Member);

    private Setup Start()
    {
        var owners = CreateTestProbe();
        return new Setup(owners, Sys.ActorOf(Props.Create(() => new RoomNodeActor(owners.Ref))));
    }

    private Socket NewSocket(string member) => new(CreateTestProbe(), CreateTestProbe(), member);

    /// <summary>Asks the node to join; the answer (<see cref="RoomJoinResult"/>) comes to the TestActor.</summary>
    private void Join(Setup s, Socket socket, RoomNodeActor.DeliveryMode mode, RoomJoinOptions? options = null, string room = Room) =>
        s.Node.Tell(new RoomNodeActor.Join(room, socket.Member, socket.Outbox.Ref, socket.Connection.Ref, mode, options ?? new RoomJoinOptions()), TestActor);

    private static RoomMessage Msg(long offset, string? text = null, string? except = null, string epoch = E, string room = Room) =>
        new(room, epoch, offset, PreparedFrame.Text(text ?? "m" + offset), except, 0);

    private static JoinAccepted Accepted(string member, long head, bool recovered = true, string? reason = null,
        IReadOnlyList<RoomMessage>? replay = null, string epoch = E, string room = Room) =>
        new(room, member, new RoomPosition(epoch, head), recovered, reason, replay ?? []);

    /// <summary>Joins, lets <paramref name="entity"/> accept at <paramref name="head"/> and consumes the join result.</summary>
    private async Task JoinedAsync(Setup s, TestProbe entity, Socket socket, RoomNodeActor.DeliveryMode mode, long head = 0,
        RoomJoinOptions? options = null)
    {
        Join(s, socket, mode, options);
        await s.Owners.ExpectMsgAsync<JoinRoom>();
        entity.Send(s.Node, Accepted(socket.Member, head));
        await ExpectMsgAsync<RoomJoinResult>();
        if (mode == RoomNodeActor.DeliveryMode.Envelopes && (options?.SendJoined ?? true))
            Assert.Equal("joined", Type(await socket.Outbox.ExpectMsgAsync<WsOutbound.Frame>()));
    }

    private static JsonElement Json(WsOutbound.Frame frame)
    {
        using var doc = JsonDocument.Parse(frame.Prepared.PayloadToArray());
        return doc.RootElement.Clone();
    }

    private static string? Type(WsOutbound.Frame frame) => Json(frame).GetProperty("type").GetString();

    private static string Payload(WsOutbound.Frame frame) => Encoding.UTF8.GetString(frame.Prepared.PayloadToArray());

    private static async Task<string> NextPositionAsync(TestProbe outbox)
    {
        var e = Json(await outbox.ExpectMsgAsync<WsOutbound.Frame>());
        Assert.Equal("message", e.GetProperty("type").GetString());
        return e.GetProperty("position").GetString()!;
    }

    [Fact]
    public async Task Join_goes_to_the_owner_and_is_answered_only_once_accepted()
    {
        var s = Start();
        var socket = NewSocket("m1");
        var since = new RoomPosition(E, 3);
        Join(s, socket, RoomNodeActor.DeliveryMode.Raw, new RoomJoinOptions { Since = since, User = "alice" });

        var join = await s.Owners.ExpectMsgAsync<JoinRoom>();
        Assert.Equal(new JoinRoom(Room, "m1", "alice", s.Node, since), join);
        await ExpectNoMsgAsync(Quiet);

        var entity = CreateTestProbe();
        entity.Send(s.Node, Accepted("m1", 5, replay: [Msg(4), Msg(5)]));
        Assert.Equal(new RoomJoinResult(new RoomPosition(E, 5), true, 2, null, "m1"), await ExpectMsgAsync<RoomJoinResult>());
    }

    [Fact]
    public async Task Acceptance_for_an_unknown_member_is_ignored()
    {
        var s = Start();
        CreateTestProbe().Send(s.Node, Accepted("ghost", 3));
        s.Node.Tell(RoomNodeActor.GetLocalCounts.Instance);
        Assert.Empty((await ExpectMsgAsync<RoomNodeActor.LocalCounts>()).Counts);
    }

    [Fact]
    public async Task Replay_is_delivered_before_live_messages_as_the_published_frames()
    {
        var s = Start();
        var socket = NewSocket("m1");
        Join(s, socket, RoomNodeActor.DeliveryMode.Raw, new RoomJoinOptions { Since = new RoomPosition(E, 3) });
        await s.Owners.ExpectMsgAsync<JoinRoom>();
        var entity = CreateTestProbe();
        RoomMessage[] replay = [Msg(4), Msg(5)];
        var live = Msg(6);
        entity.Send(s.Node, Accepted("m1", 5, replay: replay));
        entity.Send(s.Node, live);

        foreach (var expected in new[] { replay[0], replay[1], live })
        {
            var frame = await socket.Outbox.ExpectMsgAsync<WsOutbound.Frame>();
            Assert.Same(expected.Frame, frame.Prepared);
            Assert.Equal(Room, frame.ConflationKey);
        }
        await ExpectMsgAsync<RoomJoinResult>();
        await socket.Outbox.ExpectNoMsgAsync(Quiet);
    }

    [Fact]
    public async Task Envelope_members_get_a_joined_frame_then_positioned_messages()
    {
        var s = Start();
        var socket = NewSocket("m1");
        Join(s, socket, RoomNodeActor.DeliveryMode.Envelopes, new RoomJoinOptions { Since = new RoomPosition(E, 3) });
        await s.Owners.ExpectMsgAsync<JoinRoom>();
        var entity = CreateTestProbe();
        entity.Send(s.Node, Accepted("m1", 5, replay: [Msg(4, "four"), Msg(5, "five")]));
        entity.Send(s.Node, Msg(6, "six"));

        var joined = Json(await socket.Outbox.ExpectMsgAsync<WsOutbound.Frame>());
        Assert.Equal("joined", joined.GetProperty("type").GetString());
        Assert.Equal("epoch1:5", joined.GetProperty("position").GetString());
        Assert.True(joined.GetProperty("recovered").GetBoolean());
        Assert.Equal(2, joined.GetProperty("missed").GetInt32());
        Assert.Equal("m1", joined.GetProperty("member").GetString());
        foreach (var (position, text) in new[] { ("epoch1:4", "four"), ("epoch1:5", "five"), ("epoch1:6", "six") })
        {
            var e = Json(await socket.Outbox.ExpectMsgAsync<WsOutbound.Frame>());
            Assert.Equal("message", e.GetProperty("type").GetString());
            Assert.Equal(position, e.GetProperty("position").GetString());
            Assert.Equal(text, e.GetProperty("text").GetString());
        }
    }

    [Fact]
    public async Task Envelope_members_that_do_not_want_joined_get_only_messages()
    {
        var s = Start();
        var socket = NewSocket("m1");
        var entity = CreateTestProbe();
        await JoinedAsync(s, entity, socket, RoomNodeActor.DeliveryMode.Envelopes, options: new RoomJoinOptions { SendJoined = false });
        entity.Send(s.Node, Msg(1));
        Assert.Equal("epoch1:1", await NextPositionAsync(socket.Outbox));
    }

    [Fact]
    public async Task A_socket_with_an_outbox_queue_gets_a_burst_in_order_with_one_wake_up()
    {
        var s = Start();
        var entity = CreateTestProbe();
        var socket = NewSocket("q1");
        var queue = new Hub.Server.OutboxQueue(socket.Outbox.Ref);
        s.Node.Tell(new RoomNodeActor.Join(Room, socket.Member, socket.Outbox.Ref, socket.Connection.Ref,
            RoomNodeActor.DeliveryMode.Envelopes, new RoomJoinOptions(), queue), TestActor);
        await s.Owners.ExpectMsgAsync<JoinRoom>();
        entity.Send(s.Node, Accepted(socket.Member, 0));
        await ExpectMsgAsync<RoomJoinResult>();
        // The joined envelope takes the queue too (same way as the messages, so it stays first).
        Assert.Same(queue, await socket.Outbox.ExpectMsgAsync<Hub.Server.OutboxQueue>());
        var joined = queue.TakeAll()!;
        Assert.Equal("joined", Type(Assert.Single(joined)));

        for (var i = 1; i <= 5; i++) entity.Send(s.Node, Msg(i));
        // One wake-up for the whole burst: the bridge has not drained it yet.
        Assert.Same(queue, await socket.Outbox.ExpectMsgAsync<Hub.Server.OutboxQueue>());
        await AwaitAssertAsync(() => Assert.Equal(5, queue.PendingCount));
        await socket.Outbox.ExpectNoMsgAsync(Quiet);
        var burst = queue.TakeAll()!;
        Assert.Equal(["epoch1:1", "epoch1:2", "epoch1:3", "epoch1:4", "epoch1:5"],
            burst.Select(f => Json(f).GetProperty("position").GetString()));

        // Drained: the next message wakes the bridge again.
        entity.Send(s.Node, Msg(6));
        Assert.Same(queue, await socket.Outbox.ExpectMsgAsync<Hub.Server.OutboxQueue>());
        Assert.Equal("epoch1:6", Json(Assert.Single(queue.TakeAll()!)).GetProperty("position").GetString());
    }

    [Fact]
    public async Task Members_of_one_kind_on_a_node_share_one_frame_per_message()
    {
        var s = Start();
        var entity = CreateTestProbe();
        var raw = new[] { NewSocket("r1"), NewSocket("r2") };
        var enveloped = new[] { NewSocket("e1"), NewSocket("e2") };
        foreach (var socket in raw) await JoinedAsync(s, entity, socket, RoomNodeActor.DeliveryMode.Raw);
        foreach (var socket in enveloped) await JoinedAsync(s, entity, socket, RoomNodeActor.DeliveryMode.Envelopes);

        entity.Send(s.Node, Msg(1, "hi"));
        var rawFrames = new[] { await raw[0].Outbox.ExpectMsgAsync<WsOutbound.Frame>(), await raw[1].Outbox.ExpectMsgAsync<WsOutbound.Frame>() };
        var envelopeFrames = new[] { await enveloped[0].Outbox.ExpectMsgAsync<WsOutbound.Frame>(), await enveloped[1].Outbox.ExpectMsgAsync<WsOutbound.Frame>() };
        Assert.Same(rawFrames[0], rawFrames[1]);
        Assert.Equal("hi", Payload(rawFrames[0]));
        Assert.Same(envelopeFrames[0], envelopeFrames[1]);
        Assert.Equal("epoch1:1", Json(envelopeFrames[0]).GetProperty("position").GetString());
    }

    [Fact]
    public async Task Events_members_get_room_events()
    {
        var s = Start();
        var follower = NewSocket("f1");
        var entity = CreateTestProbe();
        await JoinedAsync(s, entity, follower, RoomNodeActor.DeliveryMode.Events);
        entity.Send(s.Node, Msg(1, "hello"));
        var e = (await follower.Outbox.ExpectMsgAsync<RoomNodeActor.ToFollower>()).Event;
        Assert.Equal(RoomEventKind.Message, e.Kind);
        Assert.Equal(new RoomPosition(E, 1), e.Position);
        Assert.True(e.Message!.IsText);
        Assert.Equal("hello", e.Message.Text);
    }

    [Fact]
    public async Task The_member_a_message_excepts_is_skipped_and_still_moves_on()
    {
        var s = Start();
        var entity = CreateTestProbe();
        var sender = NewSocket("m1");
        var other = NewSocket("m2");
        await JoinedAsync(s, entity, sender, RoomNodeActor.DeliveryMode.Envelopes);
        await JoinedAsync(s, entity, other, RoomNodeActor.DeliveryMode.Envelopes);

        entity.Send(s.Node, Msg(1, except: "m1"));
        entity.Send(s.Node, Msg(2));
        Assert.Equal("epoch1:1", await NextPositionAsync(other.Outbox));
        Assert.Equal("epoch1:2", await NextPositionAsync(other.Outbox));
        // Offset 2 follows the skipped 1: delivered, no gap repair.
        Assert.Equal("epoch1:2", await NextPositionAsync(sender.Outbox));
        await s.Owners.ExpectNoMsgAsync(Quiet);
    }

    [Fact]
    public async Task Duplicate_offsets_are_delivered_once()
    {
        var s = Start();
        var entity = CreateTestProbe();
        var socket = NewSocket("m1");
        await JoinedAsync(s, entity, socket, RoomNodeActor.DeliveryMode.Envelopes);
        entity.Send(s.Node, Msg(1));
        entity.Send(s.Node, Msg(1));
        entity.Send(s.Node, Msg(2));
        entity.Send(s.Node, Msg(1));
        Assert.Equal("epoch1:1", await NextPositionAsync(socket.Outbox));
        Assert.Equal("epoch1:2", await NextPositionAsync(socket.Outbox));
        await socket.Outbox.ExpectNoMsgAsync(Quiet);
        await s.Owners.ExpectNoMsgAsync(Quiet);
    }

    [Fact]
    public async Task A_gap_makes_the_member_rejoin_from_its_position_and_nothing_is_delivered_out_of_order()
    {
        var s = Start();
        var entity = CreateTestProbe();
        var socket = NewSocket("m1");
        await JoinedAsync(s, entity, socket, RoomNodeActor.DeliveryMode.Envelopes, options: new RoomJoinOptions { User = "u" });
        entity.Send(s.Node, Msg(1));
        Assert.Equal("epoch1:1", await NextPositionAsync(socket.Outbox));

        entity.Send(s.Node, Msg(3));
        entity.Send(s.Node, Msg(4));
        Assert.Equal(new JoinRoom(Room, "m1", "u", s.Node, new RoomPosition(E, 1)), await s.Owners.ExpectMsgAsync<JoinRoom>());
        await socket.Outbox.ExpectNoMsgAsync(Quiet);

        // The owner replays the gap; live messages continue after it.
        entity.Send(s.Node, Accepted("m1", 4, replay: [Msg(2), Msg(3), Msg(4)]));
        entity.Send(s.Node, Msg(5));
        foreach (var expected in new[] { "epoch1:2", "epoch1:3", "epoch1:4", "epoch1:5" })
            Assert.Equal(expected, await NextPositionAsync(socket.Outbox));
        // A rejoin answers nobody: the socket's join completed long ago.
        await ExpectNoMsgAsync(Quiet);
    }

    [Fact]
    public async Task A_message_from_another_epoch_makes_the_member_rejoin()
    {
        var s = Start();
        var entity = CreateTestProbe();
        var socket = NewSocket("m1");
        await JoinedAsync(s, entity, socket, RoomNodeActor.DeliveryMode.Raw, head: 7);
        entity.Send(s.Node, Msg(1, epoch: "epoch2"));
        Assert.Equal(new RoomPosition(E, 7), (await s.Owners.ExpectMsgAsync<JoinRoom>()).Since);
        await socket.Outbox.ExpectNoMsgAsync(Quiet);
    }

    [Fact]
    public async Task When_the_owner_entity_stops_members_rejoin_and_learn_of_a_lost_history_by_a_reset()
    {
        var s = Start();
        var entity = CreateTestProbe();
        var socket = NewSocket("m1");
        await JoinedAsync(s, entity, socket, RoomNodeActor.DeliveryMode.Envelopes);
        entity.Send(s.Node, Msg(1));
        Assert.Equal("epoch1:1", await NextPositionAsync(socket.Outbox));

        Sys.Stop(entity.Ref);
        Assert.Equal(new RoomPosition(E, 1), (await s.Owners.ExpectMsgAsync<JoinRoom>()).Since);

        // The next owner started a new epoch and already has two messages: reset, then both.
        var next = CreateTestProbe();
        next.Send(s.Node, Accepted("m1", 2, recovered: false, reason: "epoch-changed", epoch: "epoch2",
            replay: [Msg(1, epoch: "epoch2"), Msg(2, epoch: "epoch2")]));
        var reset = Json(await socket.Outbox.ExpectMsgAsync<WsOutbound.Frame>());
        Assert.Equal("reset", reset.GetProperty("type").GetString());
        Assert.Equal("epoch2:0", reset.GetProperty("position").GetString());
        Assert.Equal("epoch-changed", reset.GetProperty("reason").GetString());
        Assert.Equal("epoch2:1", await NextPositionAsync(socket.Outbox));
        Assert.Equal("epoch2:2", await NextPositionAsync(socket.Outbox));
        await ExpectNoMsgAsync(Quiet);

        // The node now follows the new owner.
        Sys.Stop(next.Ref);
        Assert.Equal(new RoomPosition("epoch2", 2), (await s.Owners.ExpectMsgAsync<JoinRoom>()).Since);
    }

    [Fact]
    public async Task A_rejoin_the_next_owner_recovers_continues_without_a_reset()
    {
        var s = Start();
        var entity = CreateTestProbe();
        var socket = NewSocket("m1");
        await JoinedAsync(s, entity, socket, RoomNodeActor.DeliveryMode.Envelopes, head: 3);
        Sys.Stop(entity.Ref);
        Assert.Equal(new RoomPosition(E, 3), (await s.Owners.ExpectMsgAsync<JoinRoom>()).Since);

        // Handed over: same epoch, one message published during the move.
        CreateTestProbe().Send(s.Node, Accepted("m1", 4, replay: [Msg(4)]));
        Assert.Equal("epoch1:4", await NextPositionAsync(socket.Outbox));
    }

    [Fact]
    public async Task A_first_join_that_is_not_recovered_starts_at_the_head_with_no_replay_and_no_reset()
    {
        var s = Start();
        var entity = CreateTestProbe();
        var socket = NewSocket("m1");
        Join(s, socket, RoomNodeActor.DeliveryMode.Envelopes, new RoomJoinOptions { Since = new RoomPosition("old", 5) });
        await s.Owners.ExpectMsgAsync<JoinRoom>();
        entity.Send(s.Node, Accepted("m1", 2, recovered: false, reason: "epoch-changed", replay: [Msg(1), Msg(2)]));
        entity.Send(s.Node, Msg(3));

        Assert.Equal(new RoomJoinResult(new RoomPosition(E, 2), false, 0, "epoch-changed", "m1"), await ExpectMsgAsync<RoomJoinResult>());
        var joined = Json(await socket.Outbox.ExpectMsgAsync<WsOutbound.Frame>());
        Assert.Equal("joined", joined.GetProperty("type").GetString());
        Assert.False(joined.GetProperty("recovered").GetBoolean());
        Assert.Equal("epoch-changed", joined.GetProperty("reason").GetString());
        Assert.Equal("epoch1:3", await NextPositionAsync(socket.Outbox));
    }

    [Fact]
    public async Task A_follower_whose_resume_is_not_recovered_gets_a_reset_and_every_retained_message()
    {
        var s = Start();
        var entity = CreateTestProbe();
        var follower = NewSocket("f1");
        Join(s, follower, RoomNodeActor.DeliveryMode.Events, new RoomJoinOptions { Since = new RoomPosition(E, 1) });
        await s.Owners.ExpectMsgAsync<JoinRoom>();
        entity.Send(s.Node, Accepted("f1", 5, recovered: false, reason: "too-old", replay: [Msg(4), Msg(5)]));

        var reset = (await follower.Outbox.ExpectMsgAsync<RoomNodeActor.ToFollower>()).Event;
        Assert.Equal(new RoomEvent(RoomEventKind.Reset, new RoomPosition(E, 3), null, "too-old"), reset);
        Assert.Equal(4, ((await follower.Outbox.ExpectMsgAsync<RoomNodeActor.ToFollower>()).Event).Position.Offset);
        Assert.Equal(5, ((await follower.Outbox.ExpectMsgAsync<RoomNodeActor.ToFollower>()).Event).Position.Offset);
        Assert.Equal(new RoomJoinResult(new RoomPosition(E, 5), false, 0, "too-old", "f1"), await ExpectMsgAsync<RoomJoinResult>());
    }

    [Fact]
    public async Task A_stopped_connection_leaves_its_rooms()
    {
        var s = Start();
        var entity = CreateTestProbe();
        var socket = NewSocket("m1");
        await JoinedAsync(s, entity, socket, RoomNodeActor.DeliveryMode.Raw);
        Join(s, socket with { Member = "m1" }, RoomNodeActor.DeliveryMode.Raw, room: "other");
        await s.Owners.ExpectMsgAsync<JoinRoom>();

        Sys.Stop(socket.Connection.Ref);
        var leaves = new[] { await s.Owners.ExpectMsgAsync<LeaveRoom>(), await s.Owners.ExpectMsgAsync<LeaveRoom>() };
        Assert.Equal([new LeaveRoom("chat", "m1"), new LeaveRoom("other", "m1")], leaves.OrderBy(l => l.Room, StringComparer.Ordinal));
        // Nobody is left waiting for the pending join.
        Assert.Equal("left", (await ExpectMsgAsync<RoomJoinResult>()).Reason);

        s.Node.Tell(RoomNodeActor.GetLocalCounts.Instance);
        Assert.Empty((await ExpectMsgAsync<RoomNodeActor.LocalCounts>()).Counts);
        entity.Send(s.Node, Msg(1));
        await socket.Outbox.ExpectNoMsgAsync(Quiet);
    }

    [Fact]
    public async Task Leave_tells_the_owner_and_answers_left()
    {
        var s = Start();
        var entity = CreateTestProbe();
        var socket = NewSocket("m1");
        await JoinedAsync(s, entity, socket, RoomNodeActor.DeliveryMode.Raw);

        s.Node.Tell(new RoomNodeActor.Leave(Room, "m1"));
        Assert.Same(RoomNodeActor.Left.Instance, await ExpectMsgAsync<RoomNodeActor.Left>());
        Assert.Equal(new LeaveRoom(Room, "m1"), await s.Owners.ExpectMsgAsync<LeaveRoom>());
        entity.Send(s.Node, Msg(1));
        await socket.Outbox.ExpectNoMsgAsync(Quiet);

        // Leaving a room one is not in is answered too, and bothers no owner.
        s.Node.Tell(new RoomNodeActor.Leave(Room, "m1"));
        await ExpectMsgAsync<RoomNodeActor.Left>();
        await s.Owners.ExpectNoMsgAsync(Quiet);
    }

    [Fact]
    public async Task Leaving_before_the_join_was_accepted_answers_the_join_with_left()
    {
        var s = Start();
        var socket = NewSocket("m1");
        Join(s, socket, RoomNodeActor.DeliveryMode.Raw);
        await s.Owners.ExpectMsgAsync<JoinRoom>();
        s.Node.Tell(new RoomNodeActor.Leave(Room, "m1"));
        var result = await ExpectMsgAsync<RoomJoinResult>();
        Assert.False(result.Recovered);
        Assert.Equal("left", result.Reason);
        await ExpectMsgAsync<RoomNodeActor.Left>();
    }

    [Fact]
    public async Task Presence_goes_to_the_client_as_frames_or_to_the_handler_as_events()
    {
        var s = Start();
        var entity = CreateTestProbe();
        var client = NewSocket("c1");
        var handler = NewSocket("h1");
        var none = NewSocket("n1");
        var rawAsksClient = NewSocket("r1");
        await JoinedAsync(s, entity, client, RoomNodeActor.DeliveryMode.Envelopes, options: new RoomJoinOptions { Presence = PresenceDelivery.Client });
        await JoinedAsync(s, entity, handler, RoomNodeActor.DeliveryMode.Raw, options: new RoomJoinOptions { Presence = PresenceDelivery.Handler });
        await JoinedAsync(s, entity, none, RoomNodeActor.DeliveryMode.Envelopes);
        await JoinedAsync(s, entity, rawAsksClient, RoomNodeActor.DeliveryMode.Raw, options: new RoomJoinOptions { Presence = PresenceDelivery.Client });

        var e = new PresenceEvent(Room, true, new PresenceMember("x9", "alice", "akka://remote"));
        entity.Send(s.Node, new PresenceChanged(e));

        var frame = Json(await client.Outbox.ExpectMsgAsync<WsOutbound.Frame>());
        Assert.Equal("presence", frame.GetProperty("type").GetString());
        Assert.Equal("join", frame.GetProperty("event").GetString());
        Assert.Equal("x9", frame.GetProperty("member").GetString());
        Assert.Equal("alice", frame.GetProperty("user").GetString());
        Assert.Equal(e, (await handler.Connection.ExpectMsgAsync<RoomNodeActor.ToHandler>()).Event);
        await handler.Outbox.ExpectNoMsgAsync(Quiet);
        await none.Outbox.ExpectNoMsgAsync(Quiet);
        await none.Connection.ExpectNoMsgAsync(Quiet);
        await rawAsksClient.Outbox.ExpectNoMsgAsync(Quiet);
    }

    [Fact]
    public async Task Presence_of_a_room_without_local_members_is_dropped()
    {
        var s = Start();
        var socket = NewSocket("m1");
        Join(s, socket, RoomNodeActor.DeliveryMode.Envelopes, new RoomJoinOptions { Presence = PresenceDelivery.Client });
        await s.Owners.ExpectMsgAsync<JoinRoom>();
        // Not accepted yet: presence does not overtake the joined frame.
        var entity = CreateTestProbe();
        entity.Send(s.Node, new PresenceChanged(new PresenceEvent(Room, true, new PresenceMember("x", null, "n"))));
        entity.Send(s.Node, new PresenceChanged(new PresenceEvent("elsewhere", true, new PresenceMember("x", null, "n"))));
        await socket.Outbox.ExpectNoMsgAsync(Quiet);
    }

    [Fact]
    public async Task A_snapshot_is_handed_out_once()
    {
        var s = Start();
        var snapshot = new RoomSnapshot(Room, E, 3, [Msg(2), Msg(3)], [new RoomMemberEntry(new PresenceMember("m1", null, "n"), TestActor)]);
        s.Node.Tell(snapshot);
        s.Node.Tell(new RoomNodeActor.TakeSnapshot("other"));
        Assert.Null((await ExpectMsgAsync<RoomNodeActor.SnapshotTaken>()).Snapshot);
        s.Node.Tell(new RoomNodeActor.TakeSnapshot(Room));
        var taken = (await ExpectMsgAsync<RoomNodeActor.SnapshotTaken>()).Snapshot!;
        Assert.Equal((E, 3L), (taken.Epoch, taken.Head));
        Assert.Equal(snapshot.History, taken.History);
        Assert.Equal(snapshot.Members, taken.Members);
        s.Node.Tell(new RoomNodeActor.TakeSnapshot(Room));
        Assert.Null((await ExpectMsgAsync<RoomNodeActor.SnapshotTaken>()).Snapshot);
    }

    [Fact]
    public async Task A_newer_snapshot_of_a_room_replaces_the_older()
    {
        var s = Start();
        s.Node.Tell(new RoomSnapshot(Room, E, 3, [], []));
        var newer = new RoomSnapshot(Room, E, 4, [], []);
        s.Node.Tell(newer);
        s.Node.Tell(new RoomNodeActor.TakeSnapshot(Room));
        Assert.Equal(4, (await ExpectMsgAsync<RoomNodeActor.SnapshotTaken>()).Snapshot!.Head);
    }

    [Fact]
    public async Task Local_counts_include_only_members_whose_join_was_accepted()
    {
        var s = Start();
        var entity = CreateTestProbe();
        await JoinedAsync(s, entity, NewSocket("a1"), RoomNodeActor.DeliveryMode.Raw);
        await JoinedAsync(s, entity, NewSocket("a2"), RoomNodeActor.DeliveryMode.Envelopes);
        Join(s, NewSocket("a3"), RoomNodeActor.DeliveryMode.Raw);
        Join(s, NewSocket("b1"), RoomNodeActor.DeliveryMode.Raw, room: "b");
        await s.Owners.ExpectMsgAsync<JoinRoom>();
        await s.Owners.ExpectMsgAsync<JoinRoom>();

        s.Node.Tell(RoomNodeActor.GetLocalCounts.Instance);
        var counts = (await ExpectMsgAsync<RoomNodeActor.LocalCounts>()).Counts;
        Assert.Equal(new Dictionary<string, int> { [Room] = 2 }, counts);
    }

    [Fact]
    public async Task A_member_joining_a_room_again_replaces_its_membership_and_keeps_receiving()
    {
        var s = Start();
        var entity = CreateTestProbe();
        var socket = NewSocket("x1");
        await JoinedAsync(s, entity, socket, RoomNodeActor.DeliveryMode.Raw, head: 0);
        // The same socket joins the same room again (it was the room's only member).
        await JoinedAsync(s, entity, socket, RoomNodeActor.DeliveryMode.Raw, head: 0);

        entity.Send(s.Node, Msg(1, "after"));
        Assert.Equal("after", Encoding.UTF8.GetString((await socket.Outbox.ExpectMsgAsync<WsOutbound.Frame>()).Prepared.PayloadToArray()));
        s.Node.Tell(RoomNodeActor.GetLocalCounts.Instance);
        Assert.Equal(1, (await ExpectMsgAsync<RoomNodeActor.LocalCounts>()).Counts[Room]);
    }

    [Fact]
    public async Task A_snapshot_sent_in_parts_is_handed_out_only_once_every_part_arrived()
    {
        var s = Start();
        var members = Enumerable.Range(0, 2000)
            .Select(i => new RoomMemberEntry(new PresenceMember($"member-{i}", $"user-{i}", "akka.tcp://hub@127.0.0.1:4053"), TestActor)).ToArray();
        var whole = new RoomSnapshot(Room, E, 50, Enumerable.Range(1, 50).Select(i => Msg(i, new string('x', 1000))).ToArray(), members);
        var parts = whole.Split();
        Assert.True(parts.Count > 5, $"{parts.Count} parts");
        // Out of order, with one duplicate, and the last part held back.
        foreach (var part in parts.Skip(1).Reverse().Skip(1).Append(parts[1])) s.Node.Tell(part);
        s.Node.Tell(new RoomNodeActor.TakeSnapshot(Room));
        Assert.Null((await ExpectMsgAsync<RoomNodeActor.SnapshotTaken>()).Snapshot);
        s.Node.Tell(parts[0]);
        s.Node.Tell(parts[^1]);
        s.Node.Tell(new RoomNodeActor.TakeSnapshot(Room));
        var taken = (await ExpectMsgAsync<RoomNodeActor.SnapshotTaken>()).Snapshot!;
        Assert.Equal(whole.History, taken.History);
        Assert.Equal(whole.Members, taken.Members);
    }
}
