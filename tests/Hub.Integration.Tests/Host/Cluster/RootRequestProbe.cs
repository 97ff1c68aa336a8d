namespace Hub.Integration.Tests.Host.Cluster;

/// <summary>
/// GETs / on the given nodes in turn, one request at a time, until disposed; counts requests and failures (an error,
/// a timeout or a status other than 200). Measures "survivors keep serving" while another node dies.
/// </summary>
public sealed class RootRequestProbe : IAsyncDisposable
{
    private readonly HttpClient _client = new() { Timeout = TimeSpan.FromSeconds(10) };
    private readonly CancellationTokenSource _stop = new();
    private readonly List<string> _failures = [];
    private readonly Task _running;
    private int _requests;

    public RootRequestProbe(IReadOnlyList<int> ports) => _running = Task.Run(() => RunAsync(ports));

    public int Requests => Volatile.Read(ref _requests);

    public IReadOnlyList<string> Failures
    {
        get { lock (_failures) return _failures.ToArray(); }
    }

    private async Task RunAsync(IReadOnlyList<int> ports)
    {
        for (var i = 0; !_stop.IsCancellationRequested; i++)
        {
            var port = ports[i % ports.Count];
            try
            {
                using var response = await _client.GetAsync($"http://127.0.0.1:{port}/", _stop.Token);
                if ((int)response.StatusCode != 200) Fail($"port {port}: status {(int)response.StatusCode}");
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                Fail($"port {port}: {e.GetType().Name}: {e.Message}");
            }
            Interlocked.Increment(ref _requests);
            try { await Task.Delay(20, _stop.Token); }
            catch (OperationCanceledException) { return; }
        }
    }

    private void Fail(string what)
    {
        lock (_failures) _failures.Add(what);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _running.WaitAsync(TimeSpan.FromSeconds(15));
        _client.Dispose();
        _stop.Dispose();
    }
}
