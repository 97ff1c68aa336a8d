namespace HubPeer;

/// <summary>/chat: every text message goes to every /chat socket, the sender included (framed once by the room).</summary>
public sealed class ChatSocket : Hub.WebSocketHandler
{
    public override Task OpenAsync() => Rooms.JoinAsync("chat");

    public override Task OnMessageAsync(Hub.WsMessage m)
    {
        Rooms.Publish("chat", m.Text);
        return Task.CompletedTask;
    }
}
