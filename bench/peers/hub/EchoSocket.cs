namespace HubPeer;

/// <summary>/ws: every message is sent back unchanged (text as text, binary as binary).</summary>
public sealed class EchoSocket : Hub.WebSocketHandler
{
    public override Task OnMessageAsync(Hub.WsMessage m) => m.IsText ? WriteMessageAsync(m.Text) : WriteMessageAsync(m.Data);
}
