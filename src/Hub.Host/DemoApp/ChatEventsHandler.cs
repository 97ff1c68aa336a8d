namespace Hub.Host.DemoApp;

/// <summary>
/// GET /events: the /chat room as Server-Sent Events — each chat message as <c>id: epoch:offset</c> +
/// <c>data: &lt;message&gt;</c>, flushed per event with back-pressure, keep-alive comments while the room is quiet.
/// A reconnecting EventSource sends <c>Last-Event-ID</c> and gets exactly the messages it missed; when they cannot all
/// be recovered it first gets <c>event: reset</c> with the reason as data. The stream ends when the client leaves or
/// the server starts a graceful stop.
/// </summary>
public sealed class ChatEventsHandler : EventSourceHandler
{
    public override async Task PrepareAsync()
    {
        // Checked before the stream's headers go out, so a bad id is a plain 400.
        if (LastEventId is { } id && !RoomPosition.TryParse(id, out _))
            throw new HttpError(400, "Last-Event-ID must be epoch:offset") { Reason = "Bad Request" };
        await base.PrepareAsync();
    }

    public override async Task GetAsync()
    {
        RoomPosition.TryParse(LastEventId, out var since);
        using var ended = CancellationTokenSource.CreateLinkedTokenSource(ConnectionClosed, ServerStopping);
        await foreach (var e in WithKeepAlive(Rooms.FollowAsync(ChatSocket.Room, since, ended.Token)))
        {
            if (e.Kind == RoomEventKind.Reset) await SendEventAsync(e.Reason ?? "reset", "reset", e.Position.ToString());
            else if (e.Message is { IsText: true } message) await SendEventAsync(message.Text, id: e.Position.ToString());
        }
    }
}
