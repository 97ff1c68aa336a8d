namespace Hub.Host.DemoApp;

/// <summary>
/// GET /events: the /chat room as Server-Sent Events — each chat message as <c>data: &lt;message&gt;</c>, flushed per
/// event with back-pressure, keep-alive comments while the room is quiet. The stream ends when the client leaves or
/// the server starts a graceful stop.
/// </summary>
public sealed class ChatEventsHandler : EventSourceHandler
{
    public override async Task GetAsync()
    {
        using var ended = CancellationTokenSource.CreateLinkedTokenSource(ConnectionClosed, ServerStopping);
        await foreach (var message in WithKeepAlive(Rooms.ListenAsync(ChatSocket.Room, ended.Token)))
            if (message.IsText) await SendEventAsync(message.Text);
    }
}
