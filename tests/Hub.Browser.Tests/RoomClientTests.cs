using System.Net.WebSockets;
using Hub.Browser.Tests.Support;
using Microsoft.Playwright;

namespace Hub.Browser.Tests;

/// <summary>
/// The JavaScript room client (clients/js), as the demo host ships it (/static/hub-client/index.js), in Chromium
/// against the real /rooms/{room} endpoint: publish and receive with positions, keepalive, resume without loss after
/// a lost socket, "not recovered" when the server cannot resume, and reconnecting by itself across a server restart
/// (docs/rooms-protocol.md).
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class RoomClientTests(ChromiumFixture chromium)
{
    // Short retries: the tests wait for reconnects, and loopback refuses at once while a server is down.
    private static readonly object QuickBackoff = new { backoff = new { initialMs = 100, maxMs = 500, jitter = 0 } };

    [Fact]
    public Task The_host_serves_the_client_modules_as_javascript() =>
        BrowserSession.RunAsync(chromium.Browser, nameof(The_host_serves_the_client_modules_as_javascript), async session =>
        {
            var host = await session.StartHostAsync();
            using var http = new HttpClient { BaseAddress = host.Url };
            foreach (var module in new[] { "index.js", "hub-room-client.js", "backoff.js", "emitter.js", "position.js" })
            {
                using var response = await http.GetAsync($"/static/hub-client/{module}");
                Assert.Equal(200, (int)response.StatusCode);
                Assert.Equal("text/javascript", response.Content.Headers.ContentType?.MediaType);
            }
        });

    [Fact]
    public Task The_demo_page_publishes_and_receives_its_own_message_with_a_position() =>
        BrowserSession.RunAsync(chromium.Browser, nameof(The_demo_page_publishes_and_receives_its_own_message_with_a_position), async session =>
        {
            var host = await session.StartHostAsync();
            var page = await ClientDemoPage.OpenAsync(session, host);
            await page.FillAsync("#room", $"e2e-{Guid.NewGuid():N}");
            await page.ClickAsync("#connect");
            await page.Locator("#state[data-state='open']").WaitForAsync();
            await page.FillAsync("#message", "hello from the client");
            await page.ClickAsync("#send");
            await page.Locator("#events li[data-type='message']", new PageLocatorOptions { HasText = "hello from the client" }).WaitForAsync();

            var joined = Assert.Single(await ClientDemoPage.EventsAsync(page, "page", "joined"));
            Assert.Equal((true, 0L, $"{joined.Epoch}:0"), (joined.Recovered!.Value, joined.Offset!.Value, joined.Position));
            var message = Assert.Single(await ClientDemoPage.EventsAsync(page, "page", "message"));
            Assert.Equal(("hello from the client", joined.Epoch, 1L, $"{joined.Epoch}:1"), (message.Text, message.Epoch, message.Offset!.Value, message.Position));
            Assert.Equal(message.Position, await page.TextContentAsync("#position"));
            Assert.Empty(await ClientDemoPage.EventsAsync(page, "page", "notRecovered"));
        });

    [Fact]
    public Task Keepalive_pings_are_answered_and_the_socket_stays_open() =>
        BrowserSession.RunAsync(chromium.Browser, nameof(Keepalive_pings_are_answered_and_the_socket_stays_open), async session =>
        {
            var host = await session.StartHostAsync();
            var page = await ClientDemoPage.OpenAsync(session, host);
            await ClientDemoPage.ConnectAsync(page, "k", ClientDemoPage.NewRoomPath(), new { keepalive = new { intervalMs = 200, timeoutMs = 5_000 } });
            await ClientDemoPage.WaitForAsync(page, "k", "joined");
            await page.WaitForFunctionAsync("() => demo.stats('k').pongs >= 3");

            Assert.Equal("hub.v1", Assert.Single(await ClientDemoPage.EventsAsync(page, "k", "open")).Protocol);
            Assert.Empty(await ClientDemoPage.EventsAsync(page, "k", "close"));
            Assert.Equal(1, await ClientDemoPage.SocketsAsync(page, "k"));
        });

    [Fact]
    public Task Without_a_subprotocol_publishes_go_out_as_plain_text() =>
        BrowserSession.RunAsync(chromium.Browser, nameof(Without_a_subprotocol_publishes_go_out_as_plain_text), async session =>
        {
            var host = await session.StartHostAsync();
            var page = await ClientDemoPage.OpenAsync(session, host);
            await ClientDemoPage.ConnectAsync(page, "raw", ClientDemoPage.NewRoomPath(), new { protocols = Array.Empty<string>() });
            await ClientDemoPage.WaitForAsync(page, "raw", "open");
            await ClientDemoPage.PublishAsync(page, "raw", "{\"type\":\"publish\"} is just text here");

            var message = await ClientDemoPage.NextAsync(page, "raw", "message");
            Assert.Equal(("{\"type\":\"publish\"} is just text here", 1L), (message.Text, message.Offset!.Value));
        });

    [Fact]
    public Task Binary_messages_arrive_as_bytes() =>
        BrowserSession.RunAsync(chromium.Browser, nameof(Binary_messages_arrive_as_bytes), async session =>
        {
            var host = await session.StartHostAsync();
            var room = ClientDemoPage.NewRoomPath();
            var page = await ClientDemoPage.OpenAsync(session, host);
            await ClientDemoPage.ConnectAsync(page, "b", room);
            await ClientDemoPage.WaitForAsync(page, "b", "joined");

            // Browsers' client publishes text only; a plain socket publishes a binary frame as it is.
            byte[] bytes = [0, 1, 2, 0x7f, 0x80, 0xff];
            using (var socket = new ClientWebSocket())
            {
                await socket.ConnectAsync(new Uri($"ws://127.0.0.1:{host.Port}{room}"), CancellationToken.None);
                await socket.SendAsync(bytes, WebSocketMessageType.Binary, endOfMessage: true, CancellationToken.None);
                var message = await ClientDemoPage.NextAsync(page, "b", "message");
                Assert.Equal((null, 1L), (message.Text, message.Offset!.Value));
                Assert.Equal(bytes, message.Binary);
                await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", CancellationToken.None);
            }
        });

    [Fact]
    public Task Presence_events_name_the_members_joining_and_leaving() =>
        BrowserSession.RunAsync(chromium.Browser, nameof(Presence_events_name_the_members_joining_and_leaving), async session =>
        {
            var host = await session.StartHostAsync();
            var room = ClientDemoPage.NewRoomPath();
            var page = await ClientDemoPage.OpenAsync(session, host);
            await ClientDemoPage.ConnectAsync(page, "alice", room, new { user = "alice", presence = true });
            await ClientDemoPage.WaitForAsync(page, "alice", "joined");
            await ClientDemoPage.ConnectAsync(page, "bob", room, new { user = "bob" });
            var bob = (await ClientDemoPage.NextAsync(page, "bob", "joined")).Member;
            Assert.NotNull(bob);

            await page.WaitForFunctionAsync("m => demo.events('alice', 'presence').some(e => e.event === 'join' && e.member === m)", bob);
            await ClientDemoPage.CloseAsync(page, "bob");
            await page.WaitForFunctionAsync("m => demo.events('alice', 'presence').some(e => e.event === 'leave' && e.member === m)", bob);

            var seen = (await ClientDemoPage.EventsAsync(page, "alice", "presence")).Where(e => e.Member == bob).ToList();
            Assert.Equal([("join", "bob"), ("leave", "bob")], seen.Select(e => (e.Event!, e.User!)));
        });

    [Fact]
    public Task A_client_whose_socket_drops_resumes_with_exactly_the_missed_messages() =>
        BrowserSession.RunAsync(chromium.Browser, nameof(A_client_whose_socket_drops_resumes_with_exactly_the_missed_messages), async session =>
        {
            var host = await session.StartHostAsync();
            var room = ClientDemoPage.NewRoomPath();
            var alice = await ClientDemoPage.OpenAsync(session, host);
            var bob = await ClientDemoPage.OpenAsync(session, host);
            await ClientDemoPage.ConnectAsync(alice, "a", room);
            await ClientDemoPage.ConnectAsync(bob, "b", room, QuickBackoff);
            await ClientDemoPage.WaitForAsync(alice, "a", "joined");
            await ClientDemoPage.WaitForAsync(bob, "b", "joined");

            for (var i = 1; i <= 3; i++) await ClientDemoPage.PublishAsync(alice, "a", $"m{i}");
            await ClientDemoPage.WaitForAsync(bob, "b", "message", 3);
            var lastSeen = await ClientDemoPage.PositionAsync(bob, "b");

            // Bob's network goes down: his socket drops and reconnect attempts fail until he is back online.
            await ClientDemoPage.SetOfflineAsync(bob, "b", true);
            await ClientDemoPage.DropAsync(bob, "b");
            await ClientDemoPage.WaitForAsync(bob, "b", "close");
            for (var i = 4; i <= 7; i++) await ClientDemoPage.PublishAsync(alice, "a", $"m{i}");
            await ClientDemoPage.WaitForAsync(alice, "a", "message", 7); // all four are in the room's history
            await ClientDemoPage.SetOfflineAsync(bob, "b", false);

            var recovered = await ClientDemoPage.NextAsync(bob, "b", "recovered");
            Assert.Equal((lastSeen, 4L), (recovered.Since, recovered.Missed!.Value));
            await ClientDemoPage.WaitForAsync(bob, "b", "message", 7);
            await ClientDemoPage.PublishAsync(alice, "a", "m8");
            await ClientDemoPage.WaitForAsync(bob, "b", "message", 8);

            var messages = await ClientDemoPage.EventsAsync(bob, "b", "message");
            Assert.Equal(Enumerable.Range(1, 8).Select(i => $"m{i}"), messages.Select(m => m.Text));
            Assert.Equal(Enumerable.Range(1, 8).Select(i => (long)i), messages.Select(m => m.Offset!.Value));
            Assert.Single(messages.Select(m => m.Epoch).Distinct());
            Assert.Equal($"{messages[0].Epoch}:3", lastSeen);
            Assert.Empty(await ClientDemoPage.EventsAsync(bob, "b", "notRecovered"));
            Assert.Equal(2, await ClientDemoPage.SocketsAsync(bob, "b"));
        });

    [Fact]
    public Task A_new_client_given_the_last_position_as_since_gets_the_messages_it_missed() =>
        BrowserSession.RunAsync(chromium.Browser, nameof(A_new_client_given_the_last_position_as_since_gets_the_messages_it_missed), async session =>
        {
            var host = await session.StartHostAsync();
            var room = ClientDemoPage.NewRoomPath();
            var alice = await ClientDemoPage.OpenAsync(session, host);
            var bob = await ClientDemoPage.OpenAsync(session, host);
            await ClientDemoPage.ConnectAsync(alice, "a", room);
            await ClientDemoPage.ConnectAsync(bob, "b1", room);
            await ClientDemoPage.WaitForAsync(alice, "a", "joined");
            await ClientDemoPage.WaitForAsync(bob, "b1", "joined");
            await ClientDemoPage.PublishAsync(alice, "a", "m1");
            await ClientDemoPage.PublishAsync(alice, "a", "m2");
            await ClientDemoPage.WaitForAsync(bob, "b1", "message", 2);
            var stored = await ClientDemoPage.PositionAsync(bob, "b1");
            await ClientDemoPage.CloseAsync(bob, "b1");

            for (var i = 3; i <= 5; i++) await ClientDemoPage.PublishAsync(alice, "a", $"m{i}");
            await ClientDemoPage.WaitForAsync(alice, "a", "message", 5);
            await ClientDemoPage.ConnectAsync(bob, "b2", room, new { since = stored });

            var joined = await ClientDemoPage.NextAsync(bob, "b2", "joined");
            Assert.Equal((true, 3L, 5L), (joined.Recovered!.Value, joined.Missed!.Value, joined.Offset!.Value));
            await ClientDemoPage.WaitForAsync(bob, "b2", "message", 3);
            await ClientDemoPage.PublishAsync(alice, "a", "m6");
            await ClientDemoPage.WaitForAsync(bob, "b2", "message", 4);

            var messages = await ClientDemoPage.EventsAsync(bob, "b2", "message");
            Assert.Equal(["m3", "m4", "m5", "m6"], messages.Select(m => m.Text));
            Assert.Equal([3L, 4L, 5L, 6L], messages.Select(m => m.Offset!.Value));
            Assert.Empty(await ClientDemoPage.EventsAsync(bob, "b2", "notRecovered"));
        });

    [Fact]
    public Task A_resume_the_room_cannot_serve_is_surfaced_as_not_recovered() =>
        BrowserSession.RunAsync(chromium.Browser, nameof(A_resume_the_room_cannot_serve_is_surfaced_as_not_recovered), async session =>
        {
            var host = await session.StartHostAsync();
            var room = ClientDemoPage.NewRoomPath();
            var page = await ClientDemoPage.OpenAsync(session, host);

            await ClientDemoPage.ConnectAsync(page, "stranger", room, new { since = "zzzz:5" });
            var unknownEpoch = await ClientDemoPage.NextAsync(page, "stranger", "notRecovered");
            Assert.Equal(("joined", "epoch-changed", "zzzz:5"), (unknownEpoch.Cause, unknownEpoch.Reason, unknownEpoch.Since));
            var joined = Assert.Single(await ClientDemoPage.EventsAsync(page, "stranger", "joined"));
            Assert.Equal((false, "epoch-changed"), (joined.Recovered!.Value, joined.Reason));
            Assert.Equal($"{joined.Epoch}:0", unknownEpoch.Position);

            // Live messages continue from the room's head, without a further gap report.
            await ClientDemoPage.PublishAsync(page, "stranger", "after the reset");
            var message = await ClientDemoPage.NextAsync(page, "stranger", "message");
            Assert.Equal(("after the reset", $"{joined.Epoch}:1"), (message.Text, message.Position));
            Assert.Single(await ClientDemoPage.EventsAsync(page, "stranger", "notRecovered"));

            await ClientDemoPage.ConnectAsync(page, "ahead", room, new { since = $"{joined.Epoch}:99" });
            var ahead = await ClientDemoPage.NextAsync(page, "ahead", "notRecovered");
            Assert.Equal(("joined", "ahead", $"{joined.Epoch}:1"), (ahead.Cause, ahead.Reason, ahead.Position));
        });

    [Fact]
    public Task A_resume_past_the_retained_history_is_too_old() =>
        BrowserSession.RunAsync(chromium.Browser, nameof(A_resume_past_the_retained_history_is_too_old), async session =>
        {
            var host = await session.StartHostAsync(overrides: "hub.rooms.history.max-messages=2");
            var room = ClientDemoPage.NewRoomPath();
            var page = await ClientDemoPage.OpenAsync(session, host);
            await ClientDemoPage.ConnectAsync(page, "a", room);
            await ClientDemoPage.WaitForAsync(page, "a", "joined");
            for (var i = 1; i <= 5; i++) await ClientDemoPage.PublishAsync(page, "a", $"m{i}");
            var epoch = (await ClientDemoPage.NextAsync(page, "a", "message", 5)).Epoch;

            // Messages 4 and 5 are retained: a resume from 3 gets them, one from 1 would miss 2 and 3.
            await ClientDemoPage.ConnectAsync(page, "recent", room, new { since = $"{epoch}:3" });
            var recovered = await ClientDemoPage.NextAsync(page, "recent", "recovered");
            Assert.Equal(2L, recovered.Missed);
            await ClientDemoPage.WaitForAsync(page, "recent", "message", 2);
            Assert.Equal(["m4", "m5"], (await ClientDemoPage.EventsAsync(page, "recent", "message")).Select(m => m.Text));

            await ClientDemoPage.ConnectAsync(page, "late", room, new { since = $"{epoch}:1" });
            var tooOld = await ClientDemoPage.NextAsync(page, "late", "notRecovered");
            Assert.Equal(("joined", "too-old", $"{epoch}:5"), (tooOld.Cause, tooOld.Reason, tooOld.Position));
            await ClientDemoPage.PublishAsync(page, "a", "m6");
            var live = await ClientDemoPage.NextAsync(page, "late", "message");
            Assert.Equal(("m6", 6L), (live.Text, live.Offset!.Value));
            Assert.Single(await ClientDemoPage.EventsAsync(page, "late", "message"));
        });

    [Fact]
    public Task After_a_server_restart_the_client_reconnects_by_itself_and_reports_the_lost_history() =>
        BrowserSession.RunAsync(chromium.Browser, nameof(After_a_server_restart_the_client_reconnects_by_itself_and_reports_the_lost_history), async session =>
        {
            var first = await session.StartHostAsync();
            var port = first.Port;
            var room = ClientDemoPage.NewRoomPath();
            var page = await ClientDemoPage.OpenAsync(session, first);
            await ClientDemoPage.ConnectAsync(page, "c", room, QuickBackoff);
            await ClientDemoPage.WaitForAsync(page, "c", "joined");
            await ClientDemoPage.PublishAsync(page, "c", "before the restart");
            var before = await ClientDemoPage.NextAsync(page, "c", "message");

            await first.DisposeAsync();
            await ClientDemoPage.WaitForAsync(page, "c", "reconnecting");
            await session.RestartHostAsync(port);

            // A restarted single node lost the room: a new epoch, which the resume reports instead of hiding.
            var lost = await ClientDemoPage.NextAsync(page, "c", "notRecovered");
            Assert.Equal(("joined", "epoch-changed", before.Position), (lost.Cause, lost.Reason, lost.Since));
            Assert.NotEqual(before.Epoch, lost.Position!.Split(':')[0]);
            await ClientDemoPage.PublishAsync(page, "c", "after the restart");
            var after = await ClientDemoPage.NextAsync(page, "c", "message", 2);
            Assert.Equal(("after the restart", lost.Position.Split(':')[0], 1L), (after.Text, after.Epoch, after.Offset!.Value));
            Assert.Single(await ClientDemoPage.EventsAsync(page, "c", "notRecovered"));
        });
}
