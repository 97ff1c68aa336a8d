using System.Net;
using System.Net.WebSockets;
using System.Text;

namespace Hub.Integration.Tests.Host.DemoApp;

/// <summary>The demo's pages: /chat.html, /static/..., and /events (the chat room as Server-Sent Events).</summary>
public sealed class PageRouteTests
{
    [Fact]
    public async Task Serves_the_chat_page_that_loads_the_room_client_from_a_versioned_url()
    {
        await using var host = await DemoHost.StartAsync();
        var response = await host.Client.GetAsync("/chat.html");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("text/html", response.Content.Headers.ContentType!.ToString());
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("new HubRoomClient(\"/chat\"", html);
        var script = System.Text.RegularExpressions.Regex.Match(html, "from \"(/static/hub-client/index\\.js\\?v=[0-9a-f]+)\"");
        Assert.True(script.Success, "the page imports the client through static_url");

        using var client = await host.Client.GetAsync(script.Groups[1].Value);
        Assert.Equal(HttpStatusCode.OK, client.StatusCode);
        Assert.Equal("public, max-age=31536000, immutable", client.Headers.CacheControl!.ToString());
        Assert.Contains("HubRoomClient", await client.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Serves_static_files_and_refuses_traversal()
    {
        await using var host = await DemoHost.StartAsync();
        var css = await host.Client.GetAsync("/static/hub.css");
        Assert.Equal(HttpStatusCode.OK, css.StatusCode);
        Assert.StartsWith("text/css", css.Content.Headers.ContentType!.ToString());
        Assert.NotNull(css.Headers.ETag);
        Assert.Equal(HttpStatusCode.OK, (await host.Client.GetAsync("/static/index.html")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await host.Client.GetAsync("/static/missing.txt")).StatusCode);

        using var conn = await host.ConnectAsync();
        await conn.SendAsync("GET /static/../hocon/hub.conf HTTP/1.1\r\nHost: t\r\n\r\n");
        var r = await conn.ReadResponseAsync();
        Assert.True(r.Status is 403 or 404, $"traversal answered {r.Status}");
        Assert.DoesNotContain("hub.server", r.BodyText);
    }

    [Fact]
    public async Task Streams_chat_messages_as_server_sent_events()
    {
        await using var host = await DemoHost.StartAsync();
        using var client = new HttpClient { BaseAddress = host.Client.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        using var response = await client.GetAsync("/events", HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType!.MediaType);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());

        var rooms = Hub.Server.Hosting.HubExtension.Get(host.Host.System).Rooms;
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (!(await rooms.GetSubscriberCountsAsync()).ContainsKey("chat"))
        {
            Assert.True(DateTime.UtcNow < deadline, "the SSE stream never joined the chat room");
            await Task.Delay(20);
        }
        using var ws = new ClientWebSocket();
        await ws.ConnectAsync(new Uri($"ws://127.0.0.1:{host.Port}/chat"), CancellationToken.None);
        await ws.SendAsync(Encoding.UTF8.GetBytes("hello sse"), WebSocketMessageType.Text, true, CancellationToken.None);

        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        string? line;
        do line = await reader.ReadLineAsync(cts.Token);
        while (line is not null && !line.StartsWith("data:"));
        Assert.Equal("data: hello sse", line);
    }
}
