using System.Net;
using System.Text;
using System.Threading.Channels;
using Hub.Server.Hosting;
using Hub.Integration.Tests.Support;

namespace Hub.Integration.Tests.Handlers;

public sealed class EventSourceTests
{
    private static readonly TimeSpan ReadTimeout = TimeSpan.FromSeconds(10);

    /// <summary>Does whatever the test writes into its script, one step at a time; ends when the script does.</summary>
    private sealed class ScriptedEvents(ChannelReader<Func<ScriptedEvents, Task>> script) : EventSourceHandler
    {
        protected override TimeSpan? KeepAliveInterval => null;

        public override async Task GetAsync()
        {
            await foreach (var step in script.ReadAllAsync(ConnectionClosed)) await step(this);
        }
    }

    /// <summary>Tells the client which event it saw last, then ends.</summary>
    private sealed class LastSeen : EventSourceHandler
    {
        public override Task GetAsync() => SendEventAsync(LastEventId ?? "(none)", "last-seen");
    }

    /// <summary>Every message published to room "news", as an event, with keep-alives while idle.</summary>
    private sealed class NewsEvents : EventSourceHandler
    {
        protected override TimeSpan? KeepAliveInterval => TimeSpan.FromMilliseconds(150);

        public override async Task GetAsync()
        {
            await foreach (var m in WithKeepAlive(Rooms.ListenAsync("news", ConnectionClosed))) await SendEventAsync(m.Text);
        }
    }

    /// <summary>Waits for one task with keep-alives, then sends its result.</summary>
    private sealed class SlowAnswer(TaskCompletionSource<string> answer) : EventSourceHandler
    {
        protected override TimeSpan? KeepAliveInterval => TimeSpan.FromMilliseconds(100);

        public override async Task GetAsync() => await SendEventAsync(await WithKeepAliveAsync(answer.Task), "answer");
    }

    /// <summary>Counts events the connection has accepted; read from the test's thread.</summary>
    private sealed class Progress
    {
        private int _sent;
        public int Sent => Volatile.Read(ref _sent);
        public void Add() => Interlocked.Increment(ref _sent);
    }

    /// <summary>Sends <see cref="FloodCount"/> numbered 1 KiB events as fast as the client takes them.</summary>
    private sealed class Flood(Progress progress) : EventSourceHandler
    {
        public const int FloodCount = 50_000;
        private static readonly string Padding = new('x', 1000);

        public override async Task GetAsync()
        {
            for (var i = 0; i < FloodCount; i++)
            {
                await SendEventAsync(Padding, id: i.ToString());
                progress.Add();
            }
        }
    }

    private static Channel<Func<ScriptedEvents, Task>> NewScript() => Channel.CreateUnbounded<Func<ScriptedEvents, Task>>();

    /// <summary>Opens a stream; dispose it before the server, or the open stream holds up the server's drain.</summary>
    private static async Task<SseReader> OpenAsync(TestServer server, string path, Action<HttpRequestMessage>? configure = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Accept.ParseAdd("text/event-stream");
        configure?.Invoke(request);
        var response = await server.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        return new SseReader(response, await response.Content.ReadAsStreamAsync());
    }

    [Fact]
    public async Task Headers_arrive_before_any_event()
    {
        var script = NewScript();
        await using var server = await TestServer.StartAsync(r => r.Map<ScriptedEvents>("/events", args: script.Reader));
        // SendAsync returns at the headers: it would hang here if they waited for the first event.
        using var events = await OpenAsync(server, "/events").WaitAsync(ReadTimeout);
        Assert.Equal(HttpStatusCode.OK, events.Response.StatusCode);
        Assert.Equal("text/event-stream", events.Response.Content.Headers.ContentType!.MediaType);
        Assert.True(events.Response.Headers.CacheControl!.NoCache);
        script.Writer.Complete();
    }

    [Fact]
    public async Task Sends_event_name_id_retry_and_multi_line_data()
    {
        var script = NewScript();
        await using var server = await TestServer.StartAsync(r => r.Map<ScriptedEvents>("/events", args: script.Reader));
        using var events = await OpenAsync(server, "/events");

        await script.Writer.WriteAsync(h => h.SendEventAsync("first line\r\nsecond line\rthird line\nfourth", "update", "42", 2500));
        var e = await events.NextEventAsync(ReadTimeout);
        Assert.Equal("update", e.Type);
        Assert.Equal("first line\nsecond line\nthird line\nfourth", e.Data);
        Assert.Equal("42", e.LastEventId);
        Assert.Equal(2500, e.Retry);

        await script.Writer.WriteAsync(h => h.SendEventAsync(" leading space, trailing newline\n"));
        var plain = await events.NextEventAsync(ReadTimeout);
        Assert.Equal("message", plain.Type);
        Assert.Equal(" leading space, trailing newline\n", plain.Data);
        Assert.Equal("42", plain.LastEventId); // ids persist until changed

        await script.Writer.WriteAsync(h => h.SendEventAsync("", id: "43"));
        var empty = await events.NextEventAsync(ReadTimeout);
        Assert.Equal("", empty.Data);
        Assert.Equal("43", empty.LastEventId);

        await script.Writer.WriteAsync(h => h.SendEventAsync("ünïcödé ✓ 🚀"));
        Assert.Equal("ünïcödé ✓ 🚀", (await events.NextEventAsync(ReadTimeout)).Data);
        script.Writer.Complete();
    }

    [Fact]
    public async Task Each_event_can_be_read_before_the_next_is_sent()
    {
        var script = NewScript();
        await using var server = await TestServer.StartAsync(r => r.Map<ScriptedEvents>("/events", args: script.Reader));
        using var events = await OpenAsync(server, "/events");
        for (var i = 1; i <= 5; i++)
        {
            var n = i;
            await script.Writer.WriteAsync(h => h.SendEventAsync($"event {n}", id: n.ToString()));
            var e = await events.NextEventAsync(ReadTimeout);
            Assert.Equal($"event {n}", e.Data);
            Assert.Equal(n.ToString(), e.LastEventId);
        }
        script.Writer.Complete();
        Assert.Null(await events.NextAsync(ReadTimeout)); // the handler returned: the stream ends cleanly
    }

    [Fact]
    public async Task Comments_are_sent_as_comment_lines()
    {
        var script = NewScript();
        await using var server = await TestServer.StartAsync(r => r.Map<ScriptedEvents>("/events", args: script.Reader));
        using var events = await OpenAsync(server, "/events");
        await script.Writer.WriteAsync(h => h.SendCommentAsync("hello\nthere"));
        await script.Writer.WriteAsync(h => h.SendEventAsync("after"));
        Assert.Equal(new SseItem.Comment("hello"), await events.NextAsync(ReadTimeout));
        Assert.Equal(new SseItem.Comment("there"), await events.NextAsync(ReadTimeout));
        Assert.Equal("after", (await events.NextEventAsync(ReadTimeout)).Data);
        script.Writer.Complete();
    }

    [Fact]
    public async Task Field_values_that_would_inject_lines_are_refused()
    {
        var script = NewScript();
        await using var server = await TestServer.StartAsync(r => r.Map<ScriptedEvents>("/events", args: script.Reader));
        using var events = await OpenAsync(server, "/events");
        await script.Writer.WriteAsync(async h =>
        {
            var refused = new List<string>();
            try { await h.SendEventAsync("x", eventName: "evil\ndata: injected"); }
            catch (ArgumentException) { refused.Add("event"); }
            try { await h.SendEventAsync("x", id: "1\r2"); }
            catch (ArgumentException) { refused.Add("id"); }
            try { await h.SendEventAsync("x", retryMs: -1); }
            catch (ArgumentOutOfRangeException) { refused.Add("retry"); }
            await h.SendEventAsync(string.Join(",", refused));
        });
        var e = await events.NextEventAsync(ReadTimeout);
        Assert.Equal("event,id,retry", e.Data);
        Assert.Equal("message", e.Type);
        script.Writer.Complete();
    }

    [Fact]
    public async Task Last_event_id_comes_from_the_header_or_the_query()
    {
        await using var server = await TestServer.StartAsync(r => r.Map<LastSeen>("/last"));

        using var fromHeader = await OpenAsync(server, "/last", m => m.Headers.Add("Last-Event-ID", "evt-17"));
        Assert.Equal("evt-17", (await fromHeader.NextEventAsync(ReadTimeout)).Data);

        using var fromQuery = await OpenAsync(server, "/last?lastEventId=evt-9");
        Assert.Equal("evt-9", (await fromQuery.NextEventAsync(ReadTimeout)).Data);

        using var none = await OpenAsync(server, "/last");
        Assert.Equal("(none)", (await none.NextEventAsync(ReadTimeout)).Data);
    }

    [Fact]
    public async Task Head_gets_the_stream_headers_and_no_body()
    {
        await using var server = await TestServer.StartAsync(r => r.Map<NewsEvents>("/news"));
        using var conn = await server.ConnectAsync();
        await conn.SendAsync("HEAD /news HTTP/1.1\r\nHost: t\r\n\r\n");
        var head = await conn.ReadResponseAsync(ReadTimeout, headRequest: true);
        Assert.Equal(200, head.Status);
        Assert.Equal("text/event-stream", head.Header("Content-Type"));
        // The handler did not start listening: the connection is free for the next request.
        await conn.SendAsync("GET /missing HTTP/1.1\r\nHost: t\r\n\r\n");
        Assert.Equal(404, (await conn.ReadResponseAsync(ReadTimeout)).Status);
    }

    [Fact]
    public async Task A_room_fed_stream_delivers_published_messages_in_order_with_keepalives_between()
    {
        await using var server = await TestServer.StartAsync(r => r.Map<NewsEvents>("/news"));
        var rooms = HubExtension.Get(server.System).Rooms;
        using var events = await OpenAsync(server, "/news");

        // Idle: keep-alive comments flow while the handler waits for the room.
        Assert.IsType<SseItem.Comment>(await events.NextAsync(ReadTimeout));
        // Publishing before the subscription is registered would be lost: wait until the room has its listener.
        await WaitForSubscribersAsync(rooms, "news", 1);

        rooms.Publish("news", "one");
        rooms.Publish("news", "two\nlines");
        rooms.Publish("news", "three");
        Assert.Equal("one", (await events.NextEventAsync(ReadTimeout)).Data);
        Assert.Equal("two\nlines", (await events.NextEventAsync(ReadTimeout)).Data);
        Assert.Equal("three", (await events.NextEventAsync(ReadTimeout)).Data);

        // And keep-alives resume once the room is quiet again.
        Assert.IsType<SseItem.Comment>(await events.NextAsync(ReadTimeout));
    }

    [Fact]
    public async Task A_client_that_leaves_ends_the_room_subscription()
    {
        await using var server = await TestServer.StartAsync(r => r.Map<NewsEvents>("/news"));
        var rooms = HubExtension.Get(server.System).Rooms;
        using (var conn = await server.ConnectAsync())
        {
            await conn.SendAsync("GET /news HTTP/1.1\r\nHost: t\r\n\r\n");
            await WaitForSubscribersAsync(rooms, "news", 1);
        }
        await WaitForSubscribersAsync(rooms, "news", 0);
        Assert.Equal(HttpStatusCode.NotFound, (await server.GetOnFreshConnectionAsync("/missing")).StatusCode);
    }

    [Fact]
    public async Task Keepalives_flow_while_a_single_task_is_awaited()
    {
        var answer = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await TestServer.StartAsync(r => r.Map<SlowAnswer>("/slow", args: answer));
        using var events = await OpenAsync(server, "/slow");
        Assert.Equal(new SseItem.Comment("keepalive"), await events.NextAsync(ReadTimeout));
        Assert.Equal(new SseItem.Comment("keepalive"), await events.NextAsync(ReadTimeout));
        answer.SetResult("42");
        var e = await events.NextEventAsync(ReadTimeout);
        Assert.Equal("answer", e.Type);
        Assert.Equal("42", e.Data);
    }

    [Fact]
    public async Task A_client_that_stops_reading_stops_the_sender_and_then_gets_every_event()
    {
        var progress = new Progress();
        await using var server = await TestServer.StartAsync(r => r.Map<Flood>("/flood", args: progress));
        using var events = await OpenAsync(server, "/flood");

        // Not reading: once socket buffers fill, SendEventAsync stops completing. Wait for the count to settle.
        var last = -1;
        using (var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(20)))
        {
            while (progress.Sent != last)
            {
                last = progress.Sent;
                await Task.Delay(300, deadline.Token);
            }
        }
        // ~51 MB were to be sent; kernel buffers hold a few MB. Without back-pressure all of it would be queued.
        Assert.True(last < Flood.FloodCount / 2, $"{last} of {Flood.FloodCount} events accepted by a client that reads nothing");

        for (var i = 0; i < Flood.FloodCount; i++)
            Assert.Equal(i.ToString(), (await events.NextEventAsync(ReadTimeout)).LastEventId);
        Assert.Null(await events.NextAsync(ReadTimeout));
    }

    private static async Task WaitForSubscribersAsync(IRooms rooms, string room, int expected)
    {
        using var deadline = new CancellationTokenSource(ReadTimeout);
        while (true)
        {
            var counts = await rooms.GetSubscriberCountsAsync();
            if (counts.GetValueOrDefault(room) == expected) return;
            await Task.Delay(20, deadline.Token);
        }
    }
}

/// <summary>What a client sees on an event stream: dispatched events and (for these tests) comment lines.</summary>
public abstract record SseItem
{
    public sealed record Event(string Type, string Data, string LastEventId, int? Retry) : SseItem;

    public sealed record Comment(string Text) : SseItem;
}

/// <summary>
/// A client-side event-stream parser following the WHATWG "Interpreting an event stream" steps: lines end at CRLF,
/// LF or CR; "field: value" with one leading space stripped; data lines joined with LF; a blank line dispatches;
/// an empty data buffer dispatches nothing; the last event id persists across events.
/// </summary>
public sealed class SseReader(HttpResponseMessage response, Stream stream) : IDisposable
{
    private readonly StreamReader _reader = new(stream, new UTF8Encoding(false));
    private string _lastEventId = "";

    public HttpResponseMessage Response => response;

    public void Dispose()
    {
        _reader.Dispose();
        response.Dispose();
    }

    /// <summary>The next event or comment; null at the end of the stream.</summary>
    public async Task<SseItem?> NextAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        var data = new StringBuilder();
        var type = "";
        int? retry = null;
        while (true)
        {
            var line = await _reader.ReadLineAsync(cts.Token);
            if (line is null) return null;
            if (line.Length == 0)
            {
                if (data.Length == 0) { type = ""; continue; }
                if (data[^1] == '\n') data.Length--;
                return new SseItem.Event(type.Length == 0 ? "message" : type, data.ToString(), _lastEventId, retry);
            }
            if (line[0] == ':') return new SseItem.Comment(line.Length > 1 && line[1] == ' ' ? line[2..] : line[1..]);
            var colon = line.IndexOf(':');
            var field = colon < 0 ? line : line[..colon];
            var value = colon < 0 ? "" : line[(colon + 1)..];
            if (value.StartsWith(' ')) value = value[1..];
            switch (field)
            {
                case "event": type = value; break;
                case "data": data.Append(value).Append('\n'); break;
                case "id" when !value.Contains('\0'): _lastEventId = value; break;
                case "retry" when value.Length > 0 && value.All(char.IsAsciiDigit): retry = int.Parse(value); break;
            }
        }
    }

    /// <summary>The next event, skipping comments.</summary>
    public async Task<SseItem.Event> NextEventAsync(TimeSpan timeout)
    {
        while (true)
        {
            switch (await NextAsync(timeout))
            {
                case SseItem.Event e: return e;
                case null: throw new EndOfStreamException("the event stream ended");
            }
        }
    }
}
