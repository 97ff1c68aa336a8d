using System.Text;
using Akka.Actor;
using Hub.Cluster;

namespace Hub.Cluster.Tests.Cluster;

/// <summary>The cross-node wire format: every field survives a round trip; manifests are explicit.</summary>
public sealed class HubSerializerTests : IAsyncLifetime
{
    private ActorSystem _system = null!;
    private HubSerializer _serializer = null!;

    public Task InitializeAsync()
    {
        _system = ActorSystem.Create("serializer-" + Guid.NewGuid().ToString("N")[..8], "akka.loglevel = WARNING");
        _serializer = new HubSerializer((ExtendedActorSystem)_system);
        return Task.CompletedTask;
    }

    public Task DisposeAsync() => _system.Terminate();

    private RoomFrame RoundTrip(RoomFrame frame)
    {
        var manifest = _serializer.Manifest(frame);
        Assert.Equal(HubSerializer.RoomFrameManifest, manifest);
        return Assert.IsType<RoomFrame>(_serializer.FromBinary(_serializer.ToBinary(frame), manifest));
    }

    [Fact]
    public void Round_trips_a_text_room_frame_with_publisher_id()
    {
        var frame = new RoomFrame("lobby/ü", true, Encoding.UTF8.GetBytes("héllo"), "akka.tcp://hub@127.0.0.1:2551", "/user/conn-1");
        var back = RoundTrip(frame);
        Assert.Equal(frame.Room, back.Room);
        Assert.True(back.IsText);
        Assert.Equal(frame.Payload, back.Payload);
        Assert.Equal(frame.OriginNode, back.OriginNode);
        Assert.Equal(frame.OriginPublisherId, back.OriginPublisherId);
    }

    [Fact]
    public void Round_trips_a_binary_room_frame_without_publisher_id()
    {
        var payload = Enumerable.Range(0, 70_000).Select(i => (byte)i).ToArray();
        var back = RoundTrip(new RoomFrame("r", false, payload, "node-a", null));
        Assert.False(back.IsText);
        Assert.Null(back.OriginPublisherId);
        Assert.Equal(payload, back.Payload);
        Assert.Equal("node-a", back.OriginNode);
    }

    [Fact]
    public void Round_trips_an_empty_payload()
    {
        var back = RoundTrip(new RoomFrame("r", true, [], "n", null));
        Assert.Empty(back.Payload);
        Assert.Equal("r", back.Room);
    }

    [Fact]
    public void Rejects_an_unknown_manifest_and_type()
    {
        Assert.Throws<System.Runtime.Serialization.SerializationException>(() => _serializer.FromBinary([1, 2], "XX"));
        Assert.Throws<ArgumentException>(() => _serializer.ToBinary("not a hub message"));
    }
}
