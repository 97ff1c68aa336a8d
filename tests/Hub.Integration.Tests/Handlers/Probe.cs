using System.Collections.Concurrent;
using System.Net.Sockets;
using System.Text;
using System.Threading.Channels;

namespace Hub.Integration.Tests.Handlers;

/// <summary>
/// Shared between a test and the handlers it maps (passed as a route argument): handlers record what happened,
/// the test waits for it with generous timeouts, and gates let the test decide when a handler may go on.
/// </summary>
public sealed class Probe
{
    private readonly ConcurrentQueue<string> _events = new();
    private readonly ConcurrentDictionary<string, TaskCompletionSource<string>> _signals = new();
    private readonly Channel<string> _stream = Channel.CreateUnbounded<string>();

    public IReadOnlyList<string> Events => _events.ToArray();

    /// <summary>Records an event and completes whoever waits for <paramref name="name"/>.</summary>
    public void Record(string name, string detail = "")
    {
        var text = detail.Length == 0 ? name : $"{name}:{detail}";
        _events.Enqueue(text);
        _stream.Writer.TryWrite(text);
        Signal(name).TrySetResult(detail);
    }

    /// <summary>The detail of event <paramref name="name"/> once it happens (fails after 15 s).</summary>
    public Task<string> WaitFor(string name, TimeSpan? timeout = null) => Signal(name).Task.WaitAsync(timeout ?? TimeSpan.FromSeconds(15));

    /// <summary>The next recorded event, in order, as "name" or "name:detail" (fails after 15 s).</summary>
    public async Task<string> NextAsync(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(15));
        try { return await _stream.Reader.ReadAsync(cts.Token); }
        catch (OperationCanceledException) { throw new TimeoutException($"no further event; so far: {string.Join(", ", Events)}"); }
    }

    public bool Happened(string name) => Signal(name).Task.IsCompleted;

    /// <summary>A gate handlers await; the test opens it.</summary>
    public Task Gate(string name) => Signal("gate:" + name).Task;

    public void Open(string name) => Signal("gate:" + name).TrySetResult("");

    private TaskCompletionSource<string> Signal(string name) =>
        _signals.GetOrAdd(name, _ => new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously));
}

/// <summary>Reads a socket as text incrementally, for watching a response arrive piece by piece.</summary>
public sealed class SocketText(Socket socket)
{
    private readonly StringBuilder _received = new();

    public string Received => _received.ToString();

    /// <summary>Reads until <paramref name="marker"/> has arrived; returns everything so far.</summary>
    public async Task<string> ReadUntilAsync(string marker, TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(15));
        var buffer = new byte[16384];
        while (!_received.ToString().Contains(marker, StringComparison.Ordinal))
        {
            int n;
            try { n = await socket.ReceiveAsync(buffer, SocketFlags.None, cts.Token); }
            catch (OperationCanceledException) { throw new TimeoutException($"no '{Escape(marker)}' within the timeout; got: {Escape(Received)}"); }
            if (n == 0) throw new IOException($"closed before '{Escape(marker)}'; got: {Escape(Received)}");
            _received.Append(Encoding.Latin1.GetString(buffer, 0, n));
        }
        return Received;
    }

    /// <summary>Reads until the server closes (EOF or reset); returns everything received.</summary>
    public async Task<string> ReadToEndAsync(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(15));
        var buffer = new byte[16384];
        while (true)
        {
            int n;
            try { n = await socket.ReceiveAsync(buffer, SocketFlags.None, cts.Token); }
            catch (SocketException) { return Received; }
            catch (OperationCanceledException) { throw new TimeoutException($"connection still open; got: {Escape(Received)}"); }
            if (n == 0) return Received;
            _received.Append(Encoding.Latin1.GetString(buffer, 0, n));
        }
    }

    private static string Escape(string s) => s.Replace("\r", "\\r").Replace("\n", "\\n");
}

/// <summary>An HttpClient that keeps no cookie jar, so each test sends exactly the Cookie header it means to.</summary>
public static class CookielessClient
{
    public static HttpClient For(Hub.Integration.Tests.Support.TestServer server) =>
        new(new SocketsHttpHandler { UseCookies = false }) { BaseAddress = server.BaseUri, Timeout = TimeSpan.FromSeconds(30) };
}
