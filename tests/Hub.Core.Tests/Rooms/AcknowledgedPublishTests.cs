using System.Collections.Concurrent;
using Akka.Actor;
using Hub.Configuration;
using Hub.Core.Tests.TestKit;
using Hub.PubSub;
using Hub.Server.Hosting;
using Hub.WebSockets;
using Xunit.Abstractions;

namespace Hub.Core.Tests.Rooms;

/// <summary>IRooms.PublishAsync on one node: the position the owner gave the message, or a clear timeout.</summary>
public sealed class AcknowledgedPublishTests(ITestOutputHelper output)
    : Akka.TestKit.Xunit2.TestKit(HubTestConfig.Default.WithFallback(HubSettings.DefaultConfig()), output: output)
{
    [Fact]
    public async Task PublishAsync_returns_the_position_members_see_in_publish_order()
    {
        var rooms = HubExtension.Get(Sys).Rooms;
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var received = new ConcurrentQueue<RoomEvent>();
        var reading = Task.Run(async () =>
        {
            await foreach (var e in rooms.FollowAsync("acked", null, stop.Token)) received.Enqueue(e);
        }, stop.Token);
        // The follower's join races the first publishes: publish until it hears one.
        while (received.IsEmpty)
        {
            stop.Token.ThrowIfCancellationRequested();
            rooms.Publish("acked", "warm-up");
            await Task.Delay(50, stop.Token);
        }

        var p1 = await rooms.PublishAsync("acked", "one");
        rooms.Publish("acked", "two");
        var p3 = await rooms.PublishAsync("acked", PreparedFrame.Text("three"));
        while (!received.Any(e => e.Message?.Text == "three")) await Task.Delay(20, stop.Token);

        var seen = received.Where(e => e.Message is not null && e.Message.Text != "warm-up").ToArray();
        Assert.Equal(["one", "two", "three"], seen.Select(e => e.Message!.Text));
        Assert.Equal(p1, seen[0].Position);
        Assert.Equal(p3, seen[2].Position);
        Assert.Equal(new RoomPosition(p1.Epoch, p1.Offset + 2), p3);
        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => reading);
    }

    [Fact]
    public async Task PublishAsync_fails_with_a_clear_timeout_when_no_owner_answers()
    {
        // Owners that never answer: a crashed owner's node, as the publisher sees it.
        var silent = Sys.ActorOf(Props.Create(() => new Silent()));
        var node = Sys.ActorOf(Props.Create(() => new RoomNodeActor(silent)));
        var backend = new RoomBackend(node, silent, int.MaxValue, TimeSpan.FromSeconds(5), TimeSpan.FromMilliseconds(300));

        var started = DateTime.UtcNow;
        var error = await Assert.ThrowsAsync<RoomPublishTimeoutException>(() =>
            backend.PublishAsync("lost", PreparedFrame.Text("x"), null, CancellationToken.None));
        Assert.InRange(DateTime.UtcNow - started, TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(5));
        Assert.Equal("lost", error.Room);
        Assert.Contains("room 'lost'", error.Message);
        Assert.Contains("hub.rooms.publish-timeout", error.Message);
        Assert.IsAssignableFrom<TimeoutException>(error);
    }

    private sealed class Silent : ReceiveActor
    {
        public Silent() => ReceiveAny(_ => { });
    }
}
