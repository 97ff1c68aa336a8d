using System.Text.Json;

namespace Hub.Host.Dashboard;

/// <summary>
/// GET /dashboard/feed: Server-Sent Events for the dashboard page, behind <see cref="DashboardAccess"/>. First a
/// <c>history</c> event (the collector's retained samples as a JSON array), then one <c>sample</c> event per
/// collector tick. Every client reads the one shared <see cref="DashboardCollector"/>; a client slower than the
/// ticks skips samples (the seq numbers show the gap) rather than queueing them.
/// </summary>
public sealed class DashboardFeedHandler(DashboardSettings settings, DashboardCollector collector) : EventSourceHandler
{
    public override async Task PrepareAsync()
    {
        DashboardGuard.Check(settings, Request);
        DashboardGuard.SetHeaders(this, 200);
        await base.PrepareAsync();
    }

    public override async Task GetAsync()
    {
        using var ended = CancellationTokenSource.CreateLinkedTokenSource(ConnectionClosed, ServerStopping);
        // Ask for the next sample before reading the history, so none falls between the two.
        var next = collector.NextSampleAsync(ended.Token);
        await SendEventAsync(JsonSerializer.Serialize(collector.History(), DashboardSample.Json), "history");
        while (!ended.IsCancellationRequested)
        {
            DashboardSample sample;
            try
            {
                sample = await WithKeepAliveAsync(next);
            }
            catch (OperationCanceledException) when (ended.IsCancellationRequested)
            {
                return;
            }
            next = collector.NextSampleAsync(ended.Token);
            await SendEventAsync(JsonSerializer.Serialize(sample, DashboardSample.Json), "sample");
        }
    }

    public override void WriteError(int status, Exception? exception = null)
    {
        DashboardGuard.SetHeaders(this, status);
        base.WriteError(status, exception);
    }
}
