namespace Hub.Host.DemoApp;

/// <summary>
/// GET /async?delay=S → waits S seconds (default 2) without holding a thread, then "Async Response". Hundreds of
/// these wait at once on one connection actor each; the wait ends early if the client leaves.
/// </summary>
public sealed class AsyncHandler : RequestHandler
{
    public override async Task GetAsync()
    {
        var delay = QueryNumbers.Delay(this, "delay", defaultSeconds: 2);
        await Task.Delay(delay, ConnectionClosed);
        SetHeader("Content-Type", "text/plain; charset=UTF-8");
        Write("Async Response");
    }
}
