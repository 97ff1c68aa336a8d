namespace Hub.Host.DemoApp;

/// <summary>WebSocket /ws: text m → "Echo: m"; binary messages come back unchanged.</summary>
public sealed class EchoSocket : WebSocketHandler
{
    public override Task OnMessageAsync(WsMessage message) =>
        message.IsText ? WriteMessageAsync("Echo: " + message.Text) : WriteMessageAsync(message.Data);
}
