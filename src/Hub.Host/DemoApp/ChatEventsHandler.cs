namespace Hub.Host.DemoApp;

/// <summary>
/// GET /events: the /chat room as Server-Sent Events — each chat message as <c>data: &lt;message&gt;</c>, flushed per
/// event with back-pressure, keep-alive comments while the room is quiet.
/// </summary>
public sealed class ChatEventsHandler : EventSourceHandler
{
    public override async Task GetAsync()
    {
        await foreach (var message in WithKeepAlive(Rooms.ListenAsync(ChatSocket.Room, ConnectionClosed)))
            if (message.IsText) await SendEventAsync(message.Text);
    }
}
