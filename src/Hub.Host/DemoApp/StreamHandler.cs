namespace Hub.Host.DemoApp;

/// <summary>
/// GET /stream?count=N&amp;interval=S → N lines "Update i\n", S seconds apart (defaults 5 and 1), each sent as its
/// own chunk as soon as it is written. Awaiting <see cref="RequestHandler.FlushAsync"/> is the back-pressure: a slow
/// reader slows the loop instead of growing a buffer.
/// </summary>
public sealed class StreamHandler : RequestHandler
{
    public override async Task GetAsync()
    {
        var count = QueryNumbers.Count(this, "count", defaultValue: 5, max: QueryNumbers.MaxStreamCount);
        var interval = QueryNumbers.Delay(this, "interval", defaultSeconds: 1);
        SetHeader("Content-Type", "text/plain; charset=UTF-8");
        // Headers go out at once, so the client sees 200 before the first update is due.
        await FlushAsync();
        for (var i = 0; i < count; i++)
        {
            if (i > 0) await Task.Delay(interval, ConnectionClosed);
            Write($"Update {i}\n");
            await FlushAsync();
        }
    }
}
