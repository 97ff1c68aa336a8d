namespace Hub.Host.DemoApp;

/// <summary>
/// WebSocket /chat: every text message from any client goes to every /chat client, the sender included, framed
/// once and in per-sender order. Binary messages are ignored (the chat is text).
/// </summary>
public sealed class ChatSocket : WebSocketHandler
{
    public const string Room = "chat";

    public override Task OpenAsync() => Rooms.JoinAsync(Room);

    public override Task OnMessageAsync(WsMessage message)
    {
        if (message.IsText) Rooms.Publish(Room, message.Text);
        return Task.CompletedTask;
    }
}
