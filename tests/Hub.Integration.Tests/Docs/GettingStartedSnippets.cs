// The code of docs/getting-started.md. Every ```csharp block of that page appears here verbatim (modulo indentation;
// GettingStartedTests checks it), so the page's code compiles with warnings as errors and each example is run
// against a real server by GettingStartedTests.
using System.Text.Json;
using Akka.Actor;
using Akka.Event;
using Hub.Configuration;

// The page's hello world has a Main, as a program would; in this test assembly it is compiled, not the entry point.
#pragma warning disable CS8892

namespace Hub.Integration.Tests.Docs.GettingStarted;

// 1. Hello world

public sealed class MainHandler : RequestHandler
{
    public override Task GetAsync()
    {
        Write("Hello, world");
        return Task.CompletedTask;
    }
}

public static class HelloWorld
{
    public static Application MakeApp() =>
        new Application(routes => routes.Map<MainHandler>("/"));

    public static async Task Main()
    {
        var system = ActorSystem.Create("hello", HubSettings.DefaultConfig());
        await HubServer.StartAsync(system, MakeApp(), HubSettings.Default with
        {
            Server = HubSettings.Default.Server with { Hostname = "127.0.0.1", Port = 8888 },
        });
        await system.WhenTerminated;   // Ctrl+C / SIGTERM run a graceful CoordinatedShutdown
    }
}

// 2. Asynchronous handlers

public sealed class FeedHandler(HttpClient http, Uri feed) : RequestHandler
{
    public override async Task GetAsync()
    {
        // The connection's actor is free while the fetch is in flight; the request resumes when it completes.
        using var response = await http.GetAsync(feed, ConnectionClosed);
        response.EnsureSuccessStatusCode();
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ConnectionClosed));
        var entries = json.RootElement.GetProperty("entries").GetArrayLength();
        Write($"Fetched {entries} entries from the feed");
    }
}

public static class AsyncFetch
{
    private static readonly HttpClient Http = new();

    public static Application MakeApp(Uri feed) =>
        new Application(routes => routes.Map<FeedHandler>("/", args: [Http, feed]));
}

// 3. Streaming with FlushAsync

public sealed class CountdownHandler : RequestHandler
{
    public override async Task GetAsync()
    {
        if (!int.TryParse(GetArgument("from", "5"), out var from) || from is < 0 or > 100)
            throw new HttpError(400, "from must be a number in [0, 100]");
        SetHeader("Content-Type", "text/plain; charset=UTF-8");
        for (var i = from; i > 0; i--)
        {
            Write($"{i}...\n");
            await FlushAsync();                               // one chunk on the wire, now
            await Task.Delay(TimeSpan.FromMilliseconds(100), ConnectionClosed);
        }
        Write("Lift off!\n");
    }
}

// 4. WebSocket echo

public sealed class EchoWebSocket : WebSocketHandler
{
    public override Task OpenAsync()
    {
        Log.Info("WebSocket opened");
        return Task.CompletedTask;
    }

    public override Task OnMessageAsync(WsMessage message) =>
        WriteMessageAsync("You said: " + message.Text);

    public override void OnClose() => Log.Info("WebSocket closed");
}

// 5. Chat room

public sealed class ChatSocketHandler : WebSocketHandler
{
    private const string Room = "chat";

    public override Task OpenAsync() => Rooms.JoinAsync(Room);

    public override Task OnMessageAsync(WsMessage message)
    {
        var body = JsonDocument.Parse(message.Text).RootElement.GetProperty("body").GetString();
        var chat = JsonSerializer.Serialize(new { id = Guid.NewGuid().ToString("N"), body });
        Rooms.Publish(Room, chat);                            // framed once, sent to every member (sender included)
        return Task.CompletedTask;
    }
}

public static class Chat
{
    public static Application MakeApp() =>
        new Application(routes => routes
            .Map<ChatSocketHandler>("/chatsocket")
            .MapRoom("/rooms/{room}"));
}

// 6. Signed-in users

public class BaseHandler : RequestHandler
{
    public override Task<string?> GetCurrentUserAsync() =>
        Task.FromResult(GetSignedCookie("user"));
}

public sealed class GreetingHandler : BaseHandler
{
    [Authenticated]
    public override Task GetAsync()
    {
        Write("Hello, " + System.Net.WebUtility.HtmlEncode(CurrentUser));
        return Task.CompletedTask;
    }
}

public sealed class LoginHandler : BaseHandler
{
    public override Task GetAsync()
    {
        SetHeader("Content-Type", "text/html; charset=UTF-8");
        Write("""
            <form action="/login" method="post">
            Name: <input type="text" name="name"><input type="submit" value="Sign in">
            </form>
            """);
        return Task.CompletedTask;
    }

    public override Task PostAsync()
    {
        SetSignedCookie("user", GetArgument("name"));
        Redirect("/");
        return Task.CompletedTask;
    }
}

public static class SignedIn
{
    public static Application MakeApp() =>
        new Application(routes => routes
            .Map<GreetingHandler>("/")
            .Map<LoginHandler>("/login"));
}
