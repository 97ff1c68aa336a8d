using System.Runtime.Serialization;
using System.Text;
using Akka.Actor;
using Akka.Configuration;
using Hub.Configuration;
using Hub.Server.Hosting;
using Hub.PubSub;
using Hub.WebSockets;
using Akka.Serialization;

namespace Hub.Cluster.Tests;

/// <summary>
/// Every room message that crosses nodes, through <see cref="HubSerializer"/> and back in a cluster-provider
/// ActorSystem on loopback (so actor refs travel as full remote paths and resolve back to the same actors).
/// </summary>
public sealed class HubSerializerTests(HubSerializerTests.SystemFixture fixture) : IClassFixture<HubSerializerTests.SystemFixture>
{
    private readonly ActorSystem _system = fixture.System;
    private readonly IActorRef _nodeA = fixture.NodeA;
    private readonly IActorRef _nodeB = fixture.NodeB;

    /// <summary>One system with remoting for the whole class: starting one per test costs a second each.</summary>
    public sealed class SystemFixture : IAsyncLifetime
    {
        public ActorSystem System { get; private set; } = null!;
        public IActorRef NodeA { get; private set; } = null!;
        public IActorRef NodeB { get; private set; } = null!;

        public Task InitializeAsync()
        {
            var config = ConfigurationFactory.ParseString("""
                    akka.actor.provider = cluster
                    akka.remote.dot-netty.tcp { hostname = "127.0.0.1", port = 0 }
                    akka { loglevel = WARNING, stdout-loglevel = WARNING }
                    akka.coordinated-shutdown.run-by-clr-shutdown-hook = off
                    """)
                .WithFallback(HubSettings.DefaultConfig())
                .WithFallback(ClusterRoomOwnersProvider.DefaultConfig());
            System = ActorSystem.Create("serializer-" + Guid.NewGuid().ToString("N")[..8], config);
            NodeA = System.ActorOf(Props.Create<Idle>(), "node-a");
            NodeB = System.ActorOf(Props.Create<Idle>(), "node-b");
            return Task.CompletedTask;
        }

        public async Task DisposeAsync() => await System.Terminate().WaitAsync(TimeSpan.FromSeconds(20));
    }

    private sealed class Idle : ReceiveActor
    {
        public Idle() => ReceiveAny(_ => { });
    }

    private static readonly byte[] Binary70K = CreateBinary(70 * 1024);

    private static byte[] CreateBinary(int length)
    {
        var bytes = new byte[length];
        new Random(4801).NextBytes(bytes);
        return bytes;
    }

    private static RoomMessage Message(long offset, string text = "hello", string? except = null) =>
        new("chat", "k7f3q2", offset, PreparedFrame.Text(text), except, 1_700_000_000_000 + offset);

    private T RoundTrip<T>(T message) where T : notnull
    {
        var serializer = _system.Serialization.FindSerializerFor(message);
        Assert.IsType<HubSerializer>(serializer);
        var manifest = Akka.Serialization.Serialization.ManifestFor(serializer, message);
        var bytes = serializer.ToBinary(message);
        return Assert.IsType<T>(_system.Serialization.Deserialize(bytes, serializer.Identifier, manifest));
    }

    private static void AssertFrame(PreparedFrame expected, PreparedFrame actual)
    {
        Assert.Equal(expected.IsText, actual.IsText);
        Assert.Equal(expected.PayloadLength, actual.PayloadLength);
        Assert.Equal(expected.Size, actual.Size);
        Assert.Equal(expected.PayloadToArray(), actual.PayloadToArray());
    }

    private static void AssertMessage(RoomMessage expected, RoomMessage actual)
    {
        Assert.Equal((expected.Room, expected.Epoch, expected.Offset, expected.ExceptMember, expected.PublishedAt),
            (actual.Room, actual.Epoch, actual.Offset, actual.ExceptMember, actual.PublishedAt));
        AssertFrame(expected.Frame, actual.Frame);
    }

    private static void AssertMessages(IReadOnlyList<RoomMessage> expected, IReadOnlyList<RoomMessage> actual)
    {
        Assert.Equal(expected.Count, actual.Count);
        for (var i = 0; i < expected.Count; i++) AssertMessage(expected[i], actual[i]);
    }

    [Fact]
    public void JoinRoom_round_trips_with_since_and_user()
    {
        var join = new JoinRoom("chat", "k3f9q-17", "alice", _nodeA, new RoomPosition("k7f3q2", 17));
        var back = RoundTrip(join);
        Assert.Equal(join, back);
        Assert.Equal(_nodeA.Path, back.Node.Path);
    }

    [Fact]
    public void JoinRoom_round_trips_without_since_and_user()
    {
        var join = new JoinRoom("chat", "k3f9q-17", null, _nodeB, null);
        Assert.Equal(join, RoundTrip(join));
    }

    [Fact]
    public void JoinRoom_keeps_since_offset_0_and_non_ascii_names()
    {
        var join = new JoinRoom("salle ünïcødé 中文", "m", "Zoë 😀", _nodeA, new RoomPosition("e", 0));
        Assert.Equal(join, RoundTrip(join));
    }

    [Fact]
    public void LeaveRoom_round_trips() => Assert.Equal(new LeaveRoom("chat", "m1"), RoundTrip(new LeaveRoom("chat", "m1")));

    [Fact]
    public void PublishToRoom_round_trips_text_with_and_without_except()
    {
        foreach (var except in new[] { null, "m1" })
        {
            var publish = new PublishToRoom("chat", PreparedFrame.Text("héllo ✓"), except);
            var back = RoundTrip(publish);
            Assert.Equal(("chat", except), (back.Room, back.ExceptMember));
            AssertFrame(publish.Frame, back.Frame);
            Assert.Equal("héllo ✓", Encoding.UTF8.GetString(back.Frame.PayloadToArray()));
        }
    }

    [Fact]
    public void An_acknowledged_PublishToRoom_and_its_answer_round_trip()
    {
        var back = RoundTrip(new PublishToRoom("chat", PreparedFrame.Text("ack me"), "m1", Acknowledge: true));
        Assert.True(back.Acknowledge);
        Assert.Equal(("chat", "m1"), (back.Room, back.ExceptMember));
        Assert.False(RoundTrip(new PublishToRoom("chat", PreparedFrame.Text("x"), null)).Acknowledge);
        Assert.Equal(new RoomPublished("chat", "k7f3q2", 42), RoundTrip(new RoomPublished("chat", "k7f3q2", 42)));
    }

    [Fact]
    public void PublishToRoom_round_trips_70_KB_of_binary()
    {
        var publish = new PublishToRoom("chat", PreparedFrame.Binary(Binary70K), null);
        var back = RoundTrip(publish);
        Assert.False(back.Frame.IsText);
        AssertFrame(publish.Frame, back.Frame);
    }

    [Fact]
    public void PublishToRoom_round_trips_an_empty_payload()
    {
        var back = RoundTrip(new PublishToRoom("chat", PreparedFrame.Text(""), null));
        Assert.True(back.Frame.IsText);
        Assert.Equal(0, back.Frame.PayloadLength);
    }

    [Fact]
    public void GetPresence_round_trips() => Assert.Equal(new GetPresence("chat"), RoundTrip(new GetPresence("chat")));

    [Fact]
    public void PresenceList_round_trips_members_in_order()
    {
        var list = new PresenceList("chat", [
            new PresenceMember("m1", "alice", "akka.tcp://hub@127.0.0.1:4053"),
            new PresenceMember("m2", null, "akka.tcp://hub@127.0.0.1:4054"),
        ]);
        var back = RoundTrip(list);
        Assert.Equal("chat", back.Room);
        Assert.Equal(list.Members, back.Members);

        Assert.Empty(RoundTrip(new PresenceList("chat", [])).Members);
    }

    [Fact]
    public void JoinAccepted_round_trips_with_its_replay()
    {
        var accepted = new JoinAccepted("chat", "m1", new RoomPosition("k7f3q2", 3), true, null,
            [Message(2, "two", except: "m9"), new RoomMessage("chat", "k7f3q2", 3, PreparedFrame.Binary(Binary70K), null, 5)]);
        var back = RoundTrip(accepted);
        Assert.Equal((accepted.Room, accepted.Member, accepted.Head, accepted.Recovered, accepted.Reason),
            (back.Room, back.Member, back.Head, back.Recovered, back.Reason));
        AssertMessages(accepted.Replay, back.Replay);
    }

    [Fact]
    public void JoinAccepted_round_trips_a_reason_and_no_replay()
    {
        var accepted = new JoinAccepted("chat", "m1", new RoomPosition("p0x9aa", 0), false, "epoch-changed", []);
        var back = RoundTrip(accepted);
        Assert.Equal((false, "epoch-changed", new RoomPosition("p0x9aa", 0)), (back.Recovered, back.Reason, back.Head));
        Assert.Empty(back.Replay);
    }

    [Fact]
    public void RoomMessage_round_trips_every_field()
    {
        var message = new RoomMessage("chat", "k7f3q2", long.MaxValue, PreparedFrame.Text("x"), "m1", -1);
        AssertMessage(message, RoundTrip(message));
        var binary = new RoomMessage("chat", "k7f3q2", 1, PreparedFrame.Binary([0, 255, 128]), null, 0);
        AssertMessage(binary, RoundTrip(binary));
    }

    [Fact]
    public void PresenceChanged_round_trips_join_and_leave()
    {
        foreach (var joined in new[] { true, false })
        {
            var changed = new PresenceChanged(new PresenceEvent("chat", joined, new PresenceMember("m1", joined ? "alice" : null, "akka.tcp://hub@h:1")));
            Assert.Equal(changed, RoundTrip(changed));
        }
    }

    [Fact]
    public void HandOffRoom_round_trips_to_the_singleton() => Assert.Same(HandOffRoom.Instance, RoundTrip(HandOffRoom.Instance));

    [Fact]
    public void RoomSnapshot_round_trips_history_and_members_whose_nodes_resolve_to_the_same_actors()
    {
        var snapshot = new RoomSnapshot("chat", "k7f3q2", 5, [Message(4), Message(5, "five", "m2")], [
            new RoomMemberEntry(new PresenceMember("m1", "alice", "akka.tcp://hub@127.0.0.1:1"), _nodeA),
            new RoomMemberEntry(new PresenceMember("m2", null, "akka.tcp://hub@127.0.0.1:2"), _nodeB),
        ]);
        var back = RoundTrip(snapshot);
        Assert.Equal(("chat", "k7f3q2", 5L), (back.Room, back.Epoch, back.Head));
        AssertMessages(snapshot.History, back.History);
        Assert.Equal(snapshot.Members.Select(m => m.Info), back.Members.Select(m => m.Info));
        Assert.Equal([_nodeA, _nodeB], back.Members.Select(m => m.Node));
        Assert.Equal([_nodeA.Path, _nodeB.Path], back.Members.Select(m => m.Node.Path));
    }

    [Fact]
    public void Refs_travel_as_full_remote_paths()
    {
        var serializer = new HubSerializer((ExtendedActorSystem)_system);
        var bytes = serializer.ToBinary(new JoinRoom("r", "m", null, _nodeA, null));
        var text = Encoding.UTF8.GetString(bytes);
        var address = ((ExtendedActorSystem)_system).Provider.DefaultAddress;
        Assert.Contains(_nodeA.Path.ToStringWithAddress(address), text, StringComparison.Ordinal);
        Assert.Contains("127.0.0.1", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Manifests_are_explicit_short_strings_and_the_identifier_is_4801()
    {
        var serializer = new HubSerializer((ExtendedActorSystem)_system);
        Assert.Equal(4801, serializer.Identifier);
        Assert.Equal(HubSerializer.SerializerIdentifier, serializer.Identifier);
        var expected = new (object Message, string Manifest)[]
        {
            (new JoinRoom("r", "m", null, _nodeA, null), "J"),
            (new LeaveRoom("r", "m"), "L"),
            (new PublishToRoom("r", PreparedFrame.Text("x"), null), "P"),
            (new RoomPublished("r", "e", 1), "PA"),
            (new GetPresence("r"), "GP"),
            (new PresenceList("r", []), "PL"),
            (new JoinAccepted("r", "m", new RoomPosition("e", 0), true, null, []), "JA"),
            (Message(1), "M"),
            (new PresenceChanged(new PresenceEvent("r", true, new PresenceMember("m", null, "n"))), "PC"),
            (HandOffRoom.Instance, "H"),
            (new RoomSnapshot("r", "e", 0, [], []), "S"),
        };
        foreach (var (message, manifest) in expected) Assert.Equal(manifest, serializer.Manifest(message));
    }

    [Fact]
    public void The_wire_format_of_a_simple_message_is_pinned()
    {
        // 7-bit length-prefixed UTF-8 strings: room "chat", member "m1".
        var serializer = new HubSerializer((ExtendedActorSystem)_system);
        Assert.Equal([4, (byte)'c', (byte)'h', (byte)'a', (byte)'t', 2, (byte)'m', (byte)'1'], serializer.ToBinary(new LeaveRoom("chat", "m1")));
        Assert.Equal([4, (byte)'c', (byte)'h', (byte)'a', (byte)'t'], serializer.ToBinary(new GetPresence("chat")));
        Assert.Empty(serializer.ToBinary(HandOffRoom.Instance));
    }

    [Fact]
    public void An_unknown_manifest_is_a_serialization_exception()
    {
        var serializer = new HubSerializer((ExtendedActorSystem)_system);
        Assert.Throws<SerializationException>(() => serializer.FromBinary([4, 1, 2, 3, 4], "nope"));
        Assert.Throws<SerializationException>(() => serializer.FromBinary([], ""));
    }

    [Fact]
    public void Messages_it_does_not_know_are_refused()
    {
        var serializer = new HubSerializer((ExtendedActorSystem)_system);
        Assert.Throws<ArgumentException>(() => serializer.Manifest("a string"));
        Assert.Throws<ArgumentException>(() => serializer.ToBinary(new RoomMemberEntry(new PresenceMember("m", null, "n"), _nodeA)));
    }

    /// <summary>Every concrete <see cref="IRoomWireMessage"/> type in Hub.Core.</summary>
    private static Type[] WireTypes() => typeof(IRoomWireMessage).Assembly.GetTypes()
        .Where(t => t is { IsAbstract: false, IsInterface: false } && typeof(IRoomWireMessage).IsAssignableFrom(t))
        .OrderBy(t => t.Name, StringComparer.Ordinal)
        .ToArray();

    [Fact]
    public void Every_wire_message_type_is_bound_to_the_hub_serializer()
    {
        var types = WireTypes();
        Assert.Equal(11, types.Length);
        foreach (var type in types) Assert.IsType<HubSerializer>(_system.Serialization.FindSerializerForType(type));
    }

    [Fact]
    public void Every_wire_message_type_has_a_manifest()
    {
        // A new IRoomWireMessage without a case in HubSerializer fails here rather than on the wire.
        var covered = new HashSet<Type>
        {
            typeof(JoinRoom), typeof(LeaveRoom), typeof(PublishToRoom), typeof(GetPresence), typeof(PresenceList),
            typeof(JoinAccepted), typeof(RoomMessage), typeof(PresenceChanged), typeof(HandOffRoom), typeof(RoomSnapshot),
            typeof(RoomPublished),
        };
        Assert.Equal(covered.OrderBy(t => t.Name, StringComparer.Ordinal), WireTypes());
    }

    [Fact]
    public async Task The_binding_is_added_when_the_distributed_backend_starts()
    {
        // An embedding app creates its system with neither Hub's nor Hub.Cluster's reference config as fallback:
        // the distributed backend's provider injects the serializer when HubExtension starts it.
        var system = ActorSystem.Create("late-" + Guid.NewGuid().ToString("N")[..8], """
            akka { loglevel = WARNING, stdout-loglevel = WARNING }
            akka.actor.provider = cluster
            akka.remote.dot-netty.tcp { hostname = "127.0.0.1", port = 0 }
            akka.coordinated-shutdown.run-by-clr-shutdown-hook = off
            hub.rooms.backend = distributed
            """);
        try
        {
            HubExtension.Get(system);
            foreach (var type in WireTypes()) Assert.IsType<HubSerializer>(system.Serialization.FindSerializerForType(type));
        }
        finally
        {
            await system.Terminate().WaitAsync(TimeSpan.FromSeconds(20));
        }
    }

    [Fact]
    public void A_large_snapshot_splits_into_parts_far_below_the_remote_frame_size_that_join_back_into_the_whole()
    {
        var serializer = new HubSerializer((ExtendedActorSystem)_system);
        var members = Enumerable.Range(0, 30_000)
            .Select(i => new RoomMemberEntry(new PresenceMember($"k3f9q-{i}", $"user-{i}", "akka.tcp://hub@127.0.0.1:4053"), i % 2 == 0 ? _nodeA : _nodeB))
            .ToArray();
        var history = Enumerable.Range(1, 100)
            .Select(i => new RoomMessage("chat", "k7f3q2", i, WebSockets.PreparedFrame.Text(new string('m', 2000)), null, i)).ToArray();
        var whole = new RoomSnapshot("chat", "k7f3q2", 100, history, members);

        var parts = whole.Split();
        var sizes = parts.Select(p => serializer.ToBinary(p).Length).ToArray();
        Assert.All(sizes, size => Assert.True(size < 64_000, $"a part of {size} bytes"));
        var back = RoomSnapshot.Join(parts.Select(p => (RoomSnapshot)serializer.FromBinary(serializer.ToBinary(p), "S")).Reverse());
        Assert.Equal(whole.History.Select(m => m.Offset), back.History.Select(m => m.Offset));
        Assert.Equal(whole.Members.Select(m => m.Info), back.Members.Select(m => m.Info));
        Assert.Equal(whole.Members.Select(m => m.Node.Path), back.Members.Select(m => m.Node.Path));
    }
}
