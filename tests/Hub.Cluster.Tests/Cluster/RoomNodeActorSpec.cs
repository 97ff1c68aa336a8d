using System.Text;
using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;
using Akka.TestKit.Xunit2;
using Hub.Cluster;
using Hub.PubSub;
using Hub.WebSockets;

namespace Hub.Cluster.Tests.Cluster;

/// <summary><see cref="RoomNodeActor"/> against probes standing in for the registry and the pub-sub mediator.</summary>
public sealed class RoomNodeActorSpec : TestKit
{
    private const string Self = "akka.tcp://hub@127.0.0.1:1";

    private readonly Akka.TestKit.TestProbe _registry;
    private readonly Akka.TestKit.TestProbe _mediator;
    private readonly IActorRef _node;

    public RoomNodeActorSpec() : base("akka.loglevel = WARNING")
    {
        _registry = CreateTestProbe();
        _mediator = CreateTestProbe();
        _node = Sys.ActorOf(Props.Create(() => new RoomNodeActor(_registry.Ref, _mediator.Ref, Self)));
    }

    private Subscribe ExpectTopicSubscribe(string room)
    {
        var subscribe = _mediator.ExpectMsg<Subscribe>();
        Assert.Equal("hub-room:" + room, subscribe.Topic);
        Assert.Equal(_node, subscribe.Ref);
        return subscribe;
    }

    [Fact]
    public void Join_completes_only_after_the_topic_subscription_is_acknowledged()
    {
        var outbox = CreateTestProbe().Ref;
        _node.Tell(new RoomNodeActor.Join("r", outbox, outbox), TestActor);
        var subscribe = ExpectTopicSubscribe("r");
        ExpectNoMsg(TimeSpan.FromMilliseconds(100));

        _node.Tell(new SubscribeAck(subscribe), _mediator.Ref);
        ExpectMsg<RoomNodeActor.Joined>();
    }

    [Fact]
    public void The_node_subscribes_to_a_room_topic_once_and_leaves_it_with_the_last_local_subscriber()
    {
        var first = CreateTestProbe().Ref;
        var second = CreateTestProbe().Ref;
        _node.Tell(new RoomNodeActor.Join("r", first, first), TestActor);
        _node.Tell(new SubscribeAck(ExpectTopicSubscribe("r")), _mediator.Ref);
        ExpectMsg<RoomNodeActor.Joined>();

        _node.Tell(new RoomNodeActor.Join("r", second, second), TestActor);
        ExpectMsg<RoomNodeActor.Joined>();
        _mediator.ExpectNoMsg(TimeSpan.FromMilliseconds(100));

        _node.Tell(new RoomNodeActor.Leave("r", first), TestActor);
        ExpectMsg<RoomNodeActor.Left>();
        _mediator.ExpectNoMsg(TimeSpan.FromMilliseconds(100));

        _node.Tell(new RoomNodeActor.Leave("r", second), TestActor);
        ExpectMsg<RoomNodeActor.Left>();
        Assert.Equal("hub-room:r", _mediator.ExpectMsg<Unsubscribe>().Topic);
    }

    [Fact]
    public void A_stopped_owner_takes_its_subscriptions_and_the_topic_with_it()
    {
        var owner = CreateTestProbe();
        _node.Tell(new RoomNodeActor.Join("r", owner.Ref, owner.Ref), TestActor);
        _node.Tell(new SubscribeAck(ExpectTopicSubscribe("r")), _mediator.Ref);
        ExpectMsg<RoomNodeActor.Joined>();

        Sys.Stop(owner.Ref);
        Assert.Equal("hub-room:r", _mediator.ExpectMsg<Unsubscribe>().Topic);
    }

    [Fact]
    public void A_local_publish_is_delivered_here_with_except_and_sent_once_to_the_topic_as_bytes()
    {
        var except = CreateTestProbe().Ref;
        var frame = PreparedFrame.Text("hello");
        _node.Tell(new RoomNodeActor.LocalPublish("r", frame, except, "conn-1"));

        var local = _registry.ExpectMsg<RoomProtocol.Publish>();
        Assert.Same(frame, local.Frame);
        Assert.Equal(except, local.Except);
        var remote = _mediator.ExpectMsg<Publish>();
        Assert.Equal("hub-room:r", remote.Topic);
        var roomFrame = Assert.IsType<RoomFrame>(remote.Message);
        Assert.Equal(("r", true, "hello", Self, "conn-1"),
            (roomFrame.Room, roomFrame.IsText, Encoding.UTF8.GetString(roomFrame.Payload), roomFrame.OriginNode, roomFrame.OriginPublisherId));
    }

    [Fact]
    public void A_frame_from_another_node_is_framed_once_for_the_local_registry_and_its_own_echo_is_ignored()
    {
        _node.Tell(new RoomFrame("r", false, [1, 2, 3], Self, null));
        _node.Tell(new RoomFrame("r", false, [4, 5], "akka.tcp://hub@127.0.0.1:2", null));

        var publish = _registry.ExpectMsg<RoomProtocol.Publish>();
        Assert.Equal("r", publish.Room);
        Assert.Null(publish.Except);
        Assert.False(publish.Frame.IsText);
        Assert.Equal(new byte[] { 4, 5 }, publish.Frame.PayloadToArray());
        _registry.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
    }

    [Fact]
    public void The_ack_of_an_abandoned_subscription_does_not_complete_a_newer_join()
    {
        var first = CreateTestProbe().Ref;
        _node.Tell(new RoomNodeActor.Join("r", first, first), TestActor);
        var abandoned = ExpectTopicSubscribe("r");
        _node.Tell(new RoomNodeActor.Leave("r", first), TestActor);
        ExpectMsg<RoomNodeActor.Joined>();
        ExpectMsg<RoomNodeActor.Left>();
        _mediator.ExpectMsg<Unsubscribe>();

        var second = CreateTestProbe().Ref;
        _node.Tell(new RoomNodeActor.Join("r", second, second), TestActor);
        var current = ExpectTopicSubscribe("r");
        _node.Tell(new SubscribeAck(abandoned), _mediator.Ref);
        ExpectNoMsg(TimeSpan.FromMilliseconds(100));
        _node.Tell(new SubscribeAck(current), _mediator.Ref);
        ExpectMsg<RoomNodeActor.Joined>();
    }
}
