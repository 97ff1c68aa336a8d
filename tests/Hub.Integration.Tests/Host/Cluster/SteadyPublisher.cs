namespace Hub.Integration.Tests.Host.Cluster;

/// <summary>
/// Publishes "<c>name:0</c>", "<c>name:1</c>", … through one connection every <c>interval</c> until stopped, and
/// remembers how many it sent. A failed send ends it (the test then sees fewer messages than expected).
/// </summary>
public sealed class SteadyPublisher : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _running;
    private int _sent;

    public SteadyPublisher(ChatConnection connection, string name, TimeSpan interval)
    {
        Name = name;
        _running = Task.Run(async () =>
        {
            while (!_stop.IsCancellationRequested)
            {
                await connection.PublishAsync($"{name}:{_sent}");
                Interlocked.Increment(ref _sent);
                try { await Task.Delay(interval, _stop.Token); }
                catch (OperationCanceledException) { return; }
            }
        });
    }

    public string Name { get; }

    /// <summary>How many messages were sent so far: "name:0" … "name:Sent-1".</summary>
    public int Sent => Volatile.Read(ref _sent);

    /// <summary>Stops publishing; returns the number sent (throws if a send failed).</summary>
    public async Task<int> StopAsync()
    {
        await _stop.CancelAsync();
        await _running.WaitAsync(TimeSpan.FromSeconds(15));
        return Sent;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try { await _running.WaitAsync(TimeSpan.FromSeconds(15)); }
        catch (Exception) { /* its failure was reported by StopAsync, or the test already failed */ }
        _stop.Dispose();
    }
}
