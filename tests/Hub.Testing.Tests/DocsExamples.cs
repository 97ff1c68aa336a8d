// The code of docs/testing.md: every ```csharp block of that page appears here verbatim (modulo indentation;
// DocsTests checks it), so the page's examples compile and run as tests of this project.
using System.Net;
using System.Net.WebSockets;
using System.Text;

namespace Hub.Testing.Tests.Docs;

// A handler test

public sealed class GreetingHandler : RequestHandler
{
    public override Task GetAsync()
    {
        Write("Hello, " + GetArgument("name", "world"));
        return Task.CompletedTask;
    }
}

public sealed class GreetingHandlerTests
{
    [Fact]
    public async Task Greets_by_name()
    {
        var app = new Application(routes => routes.Map<GreetingHandler>("/hello"));
        await using var server = await HubTestServer.StartAsync(app);

        Assert.Equal("Hello, ann", await server.Client.GetStringAsync("/hello?name=ann"));
        using var post = await server.Client.PostAsync("/hello", content: null);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, post.StatusCode);
    }
}

// A WebSocket test

public sealed class EchoSocket : WebSocketHandler
{
    public override Task OnMessageAsync(WsMessage message) => WriteMessageAsync("You said: " + message.Text);
}

public sealed class EchoSocketTests
{
    [Fact]
    public async Task Echoes_each_message()
    {
        await using var server = await HubTestServer.StartAsync(new Application(routes => routes.Map<EchoSocket>("/ws")));
        using var ws = await server.ConnectWebSocketAsync("/ws");

        await ws.SendAsync(Encoding.UTF8.GetBytes("hi"), WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None);

        var buffer = new byte[1024];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var received = await ws.ReceiveAsync(buffer, timeout.Token);
        Assert.Equal("You said: hi", Encoding.UTF8.GetString(buffer, 0, received.Count));
    }
}

// Settings, and what a browser would not show

public sealed class AccountHandler : RequestHandler
{
    public override Task<string?> GetCurrentUserAsync() => Task.FromResult(GetSignedCookie("user"));

    [Authenticated]
    public override Task GetAsync()
    {
        Write("Signed in as " + CurrentUser);
        return Task.CompletedTask;
    }
}

public sealed class AccountHandlerTests
{
    [Fact]
    public async Task Sends_strangers_to_the_login_page()
    {
        var app = new Application(routes => routes.Map<AccountHandler>("/account"));
        await using var server = await HubTestServer.StartAsync(app, options => options
            .Configure("""hub.security { cookie-secrets = ["test-secret"], login-url = "/login" }"""));
        using var client = server.CreateClient(allowAutoRedirect: false);

        using var response = await client.GetAsync("/account");

        Assert.Equal(HttpStatusCode.Found, response.StatusCode);
        Assert.Equal("/login?next=%2Faccount", response.Headers.Location!.OriginalString);
    }
}
