using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Hub.Integration.Tests.Docs.GettingStarted;
using Hub.Integration.Tests.Support;
using Hub.Testing;

namespace Hub.Integration.Tests.Docs;

/// <summary>
/// docs/getting-started.md, tested: its C# blocks are the code of GettingStartedSnippets.cs (so they compile), and
/// each example's application, as its MakeApp builds it, serves what the page says it does.
/// </summary>
public sealed partial class GettingStartedTests
{
    [Fact]
    public void Every_csharp_block_of_the_page_is_in_the_compiled_snippets()
    {
        var root = RepositoryRoot();
        var page = File.ReadAllText(Path.Combine(root, "docs", "getting-started.md"));
        var code = Normalize(File.ReadAllText(Path.Combine(root, "tests", "Hub.Integration.Tests", "Docs", "GettingStartedSnippets.cs")));

        var blocks = CSharpBlock().Matches(page).Select(m => m.Groups[1].Value).ToArray();

        Assert.True(blocks.Length >= 8, $"expected the page's csharp blocks, found {blocks.Length}");
        foreach (var block in blocks)
            Assert.True(code.Contains(Normalize(block), StringComparison.Ordinal),
                "this block of docs/getting-started.md is not in GettingStartedSnippets.cs:\n" + block);
    }

    [Fact]
    public async Task Hello_world_answers_hello_world()
    {
        await using var server = await HubTestServer.StartAsync(HelloWorld.MakeApp());

        Assert.Equal("Hello, world", await server.Client.GetStringAsync("/"));
    }

    [Fact]
    public async Task Async_handler_fetches_the_feed_and_counts_its_entries()
    {
        await using var upstream = await TestServer.StartAsync(r => r.Map<FakeFeed>("/feed"));
        await using var server = await HubTestServer.StartAsync(AsyncFetch.MakeApp(new Uri(upstream.BaseUri, "/feed")));

        Assert.Equal("Fetched 3 entries from the feed", await server.Client.GetStringAsync("/"));
    }

    [Fact]
    public async Task Countdown_streams_each_line_as_its_own_chunk()
    {
        await using var server = await HubTestServer.StartAsync(new Application(r => r.Map<CountdownHandler>("/countdown")));

        using var response = await server.Client.GetAsync("/countdown?from=3", HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(response.Headers.TransferEncodingChunked);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        var lines = new List<string>();
        while (await reader.ReadLineAsync() is { } line) lines.Add(line);
        Assert.Equal(new[] { "3...", "2...", "1...", "Lift off!" }, lines);

        using var bad = await server.Client.GetAsync("/countdown?from=soon");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
    }

    [Fact]
    public async Task Echo_websocket_answers_you_said()
    {
        await using var server = await HubTestServer.StartAsync(new Application(r => r.Map<EchoWebSocket>("/websocket")));
        using var ws = await WebSocketTestClient.ConnectAsync(server.Port, "/websocket");

        await ws.SendTextAsync("hello");

        Assert.Equal("You said: hello", await ws.ReceiveTextAsync());
    }

    [Fact]
    public async Task Chat_room_delivers_a_message_to_every_member_sender_included()
    {
        await using var server = await HubTestServer.StartAsync(Chat.MakeApp());
        using var alice = await WebSocketTestClient.ConnectAsync(server.Port, "/chatsocket");
        using var bob = await WebSocketTestClient.ConnectAsync(server.Port, "/chatsocket");
        await WebSocketTestClient.WaitForSubscribersAsync(server.System, "chat", 2);

        await alice.SendTextAsync("""{"body":"hi all"}""");

        var toAlice = JsonDocument.Parse(await alice.ReceiveTextAsync()).RootElement;
        var toBob = JsonDocument.Parse(await bob.ReceiveTextAsync()).RootElement;
        Assert.Equal("hi all", toBob.GetProperty("body").GetString());
        Assert.Equal(toAlice.GetProperty("id").GetString(), toBob.GetProperty("id").GetString());
    }

    [Fact]
    public async Task Chat_app_maps_a_room_endpoint_that_sends_envelopes_with_positions()
    {
        await using var server = await HubTestServer.StartAsync(Chat.MakeApp());
        using var ws = await WebSocketTestClient.ConnectAsync(server.Port, "/rooms/lobby");
        await WebSocketTestClient.WaitForSubscribersAsync(server.System, "lobby", 1);

        await ws.SendTextAsync("hello");

        var frame = await ws.ReceiveEnvelopeAsync();
        Assert.Equal("message", frame.GetProperty("type").GetString());
        Assert.Equal("hello", frame.GetProperty("text").GetString());
        Assert.Equal(1, frame.GetProperty("offset").GetInt64());
    }

    [Fact]
    public async Task Signed_in_example_sends_strangers_to_the_login_and_greets_the_user()
    {
        var hocon = HoconBlocks(File.ReadAllText(Path.Combine(RepositoryRoot(), "docs", "getting-started.md"))).Single();
        await using var server = await HubTestServer.StartAsync(SignedIn.MakeApp(), o => o.Configure(hocon));
        using var client = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false })
        {
            BaseAddress = server.Client.BaseAddress, Timeout = TimeSpan.FromSeconds(30),
        };

        using var stranger = await client.GetAsync("/");
        Assert.Equal(HttpStatusCode.Found, stranger.StatusCode);
        Assert.Equal("/login?next=%2F", stranger.Headers.Location!.OriginalString);
        Assert.Contains("name=\"name\"", await client.GetStringAsync("/login"));

        using var login = await client.PostAsync("/login", new FormUrlEncodedContent(new Dictionary<string, string> { ["name"] = "ann" }));
        Assert.Equal(HttpStatusCode.Found, login.StatusCode);
        Assert.Equal("/", login.Headers.Location!.OriginalString);
        var cookie = login.Headers.GetValues("Set-Cookie").Single();

        using var greeting = new HttpRequestMessage(HttpMethod.Get, "/");
        greeting.Headers.Add("Cookie", cookie[..cookie.IndexOf(';')]);
        using var greeted = await client.SendAsync(greeting);
        Assert.Equal("Hello, ann", await greeted.Content.ReadAsStringAsync());
    }

    /// <summary>The upstream of the async example: a feed with three entries.</summary>
    private sealed class FakeFeed : RequestHandler
    {
        public override Task GetAsync()
        {
            Write(new { entries = new[] { 1, 2, 3 } });
            return Task.CompletedTask;
        }
    }

    /// <summary>Lines trimmed, blank lines and indentation dropped: a block matches the file however it is indented.</summary>
    private static string Normalize(string code) =>
        string.Join("\n", code.ReplaceLineEndings("\n").Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0));

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Hub.sln"))) return dir.FullName;
        throw new DirectoryNotFoundException("no Hub.sln above " + AppContext.BaseDirectory);
    }

    [GeneratedRegex(@"```csharp\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex CSharpBlock();

    /// <summary>The page's ```hocon blocks: the settings its examples run with.</summary>
    private static IEnumerable<string> HoconBlocks(string page) => HoconBlock().Matches(page).Select(m => m.Groups[1].Value);

    [GeneratedRegex(@"```hocon\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex HoconBlock();
}
