using Hub.Integration.Tests.Support;

namespace Hub.Integration.Tests.WebSockets.Conformance;

/// <summary>Echoes every message unchanged, text as text and binary as binary (Autobahn's test subject).</summary>
public sealed class ConformanceEcho : WebSocketHandler
{
    public override Task OnMessageAsync(WsMessage m) => m.IsText ? WriteMessageAsync(m.Text) : WriteMessageAsync(m.Data);
}

/// <summary>Echoes, but holds a "slow" message until the test opens the gate: a handler busy with something.</summary>
public sealed class SlowEcho(TaskCompletionSource gate) : WebSocketHandler
{
    public override async Task OnMessageAsync(WsMessage m)
    {
        if (m.IsText && m.Text == "slow") await gate.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await (m.IsText ? WriteMessageAsync(m.Text) : WriteMessageAsync(m.Data));
    }
}

/// <summary>
/// One real server per conformance section with <see cref="ConformanceEcho"/> at /echo. The close timeout is short so
/// that a server which ignores our Close reply still ends each failure case quickly (there are hundreds); closing
/// promptly on the reply is tested on its own, with a long timeout.
/// </summary>
public class ConformanceServer : IAsyncLifetime
{
    public const string DefaultHocon = "hub.websocket.close-timeout = 250ms";

    protected virtual string Hocon => DefaultHocon;

    protected virtual void Routes(RouteBuilder routes) => routes.Map<ConformanceEcho>("/echo");

    public TestServer Server { get; private set; } = null!;

    public Task<RawWebSocketClient> ConnectAsync(string path = "/echo") => RawWebSocketClient.ConnectAsync(Server, path);

    public async Task InitializeAsync() => Server = await TestServer.StartAsync(Routes, Hocon);

    public async Task DisposeAsync() => await Server.DisposeAsync();
}
