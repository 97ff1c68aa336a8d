using System.Net.WebSockets;
using System.Text.Json;
using Hub.Integration.Tests.Support;

namespace Hub.Integration.Tests.Rooms;

/// <summary>
/// The room features a handler sees on a real server: presence events delivered to <see cref="WebSocketHandler.OnPresenceAsync"/>,
/// the join result of a resume, presence queries, and positions on <see cref="IRooms.FollowAsync"/>.
/// </summary>
public sealed class RoomHandlerApiTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(15);

    /// <summary>Joins with presence events to the handler, which reports each one to its client as text.</summary>
    private sealed class PresenceWatcher : WebSocketHandler
    {
        public override async Task OpenAsync()
        {
            var joined = await Rooms.JoinAsync("lobby", new RoomJoinOptions { User = GetQueryArgument("user", null), Presence = PresenceDelivery.Handler });
            await WriteMessageAsync($"me:{joined.Member}");
        }

        public override Task OnPresenceAsync(PresenceEvent presence) =>
            WriteMessageAsync($"{(presence.Joined ? "join" : "leave")}:{presence.Member.Member}:{presence.Member.User}");
    }

    /// <summary>Joins resuming from <c>?since=</c> and reports the join result, then publishes what it gets.</summary>
    private sealed class Resumer : WebSocketHandler
    {
        public override async Task OpenAsync()
        {
            RoomPosition.TryParse(GetQueryArgument("since", null), out var since);
            var r = await Rooms.JoinAsync("history", new RoomJoinOptions { Since = since, Envelopes = true, SendJoined = false });
            await WriteMessageAsync($"result:{r.Recovered}:{r.Missed}:{r.Reason}:{r.Head}");
        }

        public override Task OnMessageAsync(WsMessage m)
        {
            Rooms.Publish("history", m.Text);
            return Task.CompletedTask;
        }
    }

    [Fact]
    public async Task A_handler_that_asked_for_presence_events_sees_others_join_and_leave_with_their_user()
    {
        await using var server = await TestServer.StartAsync(r => r.Map<PresenceWatcher>("/lobby"));
        using var watcher = await WebSocketTestClient.ConnectAsync(server.Port, "/lobby?user=ann");
        var me = (await watcher.ReceiveTextAsync(Wait))["me:".Length..];
        Assert.Equal($"join:{me}:ann", await watcher.ReceiveTextAsync(Wait));

        var other = await WebSocketTestClient.ConnectAsync(server.Port, "/lobby?user=bob");
        var bob = (await other.ReceiveTextAsync(Wait))["me:".Length..];
        Assert.Equal($"join:{bob}:bob", await watcher.ReceiveTextAsync(Wait));

        var members = await Hub.Server.Hosting.HubExtension.Get(server.System).Rooms.GetPresenceAsync("lobby");
        Assert.Equal(new[] { "ann", "bob" }, members.Select(m => m.User).Order());

        await other.CloseAsync(WebSocketCloseStatus.NormalClosure, "bye", CancellationToken.None);
        other.Dispose();
        Assert.Equal($"leave:{bob}:bob", await watcher.ReceiveTextAsync(Wait));
    }

    [Fact]
    public async Task A_handler_resuming_from_a_position_gets_exactly_the_missed_messages_and_says_so()
    {
        await using var server = await TestServer.StartAsync(r => r.Map<Resumer>("/history"));
        using var first = await WebSocketTestClient.ConnectAsync(server.Port, "/history");
        Assert.StartsWith("result:True:0::", await first.ReceiveTextAsync(Wait));
        for (var i = 1; i <= 5; i++) await first.SendTextAsync($"m{i}");
        var frames = new List<JsonElement>();
        for (var i = 0; i < 5; i++) frames.Add(await first.ReceiveEnvelopeAsync(Wait));
        var third = frames[2].GetProperty("position").GetString();

        // The replay reaches the socket as the join completes, ahead of anything the handler writes after it.
        using var resumed = await WebSocketTestClient.ConnectAsync(server.Port, "/history?since=" + third);
        Assert.Equal(["m4", "m5"], [await resumed.ReceiveRoomTextAsync(Wait), await resumed.ReceiveRoomTextAsync(Wait)]);
        Assert.StartsWith("result:True:2::", await resumed.ReceiveTextAsync(Wait));

        var epoch = third!.Split(':')[0];
        using var lost = await WebSocketTestClient.ConnectAsync(server.Port, "/history?since=other" + epoch + ":3");
        Assert.StartsWith("result:False:0:epoch-changed:", await lost.ReceiveTextAsync(Wait));
    }

    [Fact]
    public async Task A_server_side_follower_resumes_with_positions_and_is_told_of_an_unrecoverable_gap()
    {
        await using var server = await TestServer.StartAsync(r => r.Map<Resumer>("/history"));
        var rooms = Hub.Server.Hosting.HubExtension.Get(server.System).Rooms;
        using var cts = new CancellationTokenSource(Wait);
        var events = new List<RoomEvent>();
        var reading = Task.Run(async () =>
        {
            await foreach (var e in rooms.FollowAsync("follow", null, cts.Token))
            {
                events.Add(e);
                if (events.Count == 3) break;
            }
        });
        await WebSocketTestClient.WaitForSubscribersAsync(server.System, "follow", 1);
        for (var i = 1; i <= 3; i++) rooms.Publish("follow", $"f{i}");
        await reading;
        Assert.Equal([1L, 2L, 3L], events.Select(e => e.Position.Offset));
        Assert.Equal(["f1", "f2", "f3"], events.Select(e => e.Message!.Text));

        await foreach (var e in rooms.FollowAsync("follow", new RoomPosition("nosuch", 2), cts.Token))
        {
            Assert.Equal(RoomEventKind.Reset, e.Kind);
            Assert.Equal("epoch-changed", e.Reason);
            break;
        }
    }
}
