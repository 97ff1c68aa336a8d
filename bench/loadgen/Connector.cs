using System.Diagnostics;

namespace LoadGen;

/// <summary>Opens many WebSockets, a bounded number of handshakes at a time, so the server's accept backlog (Kestrel's
/// default is 512) never overflows into SYN retries that would stall the start by seconds.</summary>
internal static class Connector
{
    public static async Task<WsClient[]> ConnectAsync(WsEndpoint endpoint, int count, int concurrency, TimeSpan timeout,
        TextWriter log)
    {
        var clients = new WsClient?[count];
        using var deadline = new CancellationTokenSource(timeout);
        var started = Stopwatch.GetTimestamp();
        try
        {
            await Parallel.ForAsync(0, count,
                new ParallelOptions { MaxDegreeOfParallelism = concurrency, CancellationToken = deadline.Token },
                async (i, ct) => clients[i] = await WsClient.ConnectAsync(endpoint, ct).ConfigureAwait(false)).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            foreach (var c in clients) c?.Dispose();
            var opened = clients.Count(c => c is not null);
            throw new InvalidOperationException(deadline.IsCancellationRequested
                ? $"only {opened} of {count} connections to {endpoint} opened within {timeout.TotalSeconds:0} s"
                : $"connecting to {endpoint} failed after {opened} of {count}: {e.Message}", e);
        }
        log.WriteLine($"connected {count} WebSockets to {endpoint} in {Stopwatch.GetElapsedTime(started).TotalSeconds:0.00} s");
        return clients!;
    }

    /// <summary>Closing handshakes for all, a bounded number at a time; failures do not matter any more.</summary>
    public static Task CloseAllAsync(IEnumerable<WsClient> clients, int concurrency) =>
        Parallel.ForEachAsync(clients, new ParallelOptions { MaxDegreeOfParallelism = concurrency },
            async (c, _) => await c.CloseAsync(TimeSpan.FromSeconds(2)).ConfigureAwait(false));
}
