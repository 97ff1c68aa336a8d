using System.Net;
using System.Net.Sockets;
using System.Text;
using Akka.Actor;
using Akka.Configuration;
using Hub.Configuration;

namespace Hub.Integration.Tests.Support;

/// <summary>
/// A real Hub listening on 127.0.0.1 with an ephemeral port, in its own ActorSystem, for one test class or test.
/// <code>await using var server = await TestServer.StartAsync(r => r.Map&lt;Hello&gt;("/"));</code>
/// </summary>
public sealed class TestServer : IAsyncDisposable
{
    private TestServer(ActorSystem system, HubBinding binding)
    {
        System = system;
        Binding = binding;
        Client = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(1) })
        {
            BaseAddress = new Uri($"http://127.0.0.1:{binding.Port}"),
            Timeout = TimeSpan.FromSeconds(30),
        };
    }

    public ActorSystem System { get; }
    public HubBinding Binding { get; }
    public int Port => Binding.Port;
    public HttpClient Client { get; }
    public Uri BaseUri => Client.BaseAddress!;

    /// <summary>HOCON applied on top of the test defaults (port 0, loopback, quiet logs).</summary>
    public static async Task<TestServer> StartAsync(Action<RouteBuilder> routes, string hocon = "", IServiceProvider? services = null)
    {
        var config = ConfigurationFactory.ParseString(hocon)
            .WithFallback(ConfigurationFactory.ParseString($"hub.transport = {TestTransport.Name}"))
            .WithFallback(ConfigurationFactory.ParseString("""
                hub.server { hostname = "127.0.0.1", port = 0, linger-timeout = 10s }
                akka { loglevel = WARNING, stdout-loglevel = WARNING, log-dead-letters = off, log-dead-letters-during-shutdown = off }
                akka.coordinated-shutdown.run-by-clr-shutdown-hook = off
                """))
            .WithFallback(HubSettings.DefaultConfig());
        var system = ActorSystem.Create("test-" + Guid.NewGuid().ToString("N")[..8], config);
        try
        {
            var binding = await HubServer.StartAsync(system, new Application(routes, services));
            return new TestServer(system, binding);
        }
        catch
        {
            await system.Terminate();
            throw;
        }
    }

    /// <summary>A raw TCP connection to the server, for byte-exact and malformed requests.</summary>
    public async Task<RawConnection> ConnectAsync()
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(IPAddress.Loopback, Port);
        return new RawConnection(socket);
    }

    /// <summary>Proves the server still serves: a fresh connection gets a response to GET <paramref name="path"/>.</summary>
    public async Task<HttpResponseMessage> GetOnFreshConnectionAsync(string path = "/")
    {
        using var client = new HttpClient { BaseAddress = BaseUri, Timeout = TimeSpan.FromSeconds(15) };
        var response = await client.GetAsync(path);
        await response.Content.LoadIntoBufferAsync();
        return response;
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await System.Terminate().WaitAsync(TimeSpan.FromSeconds(20));
    }
}

/// <summary>A raw socket with helpers to send bytes and read HTTP responses exactly as they arrive.</summary>
public sealed class RawConnection : IDisposable
{
    private readonly Socket _socket;
    private readonly MemoryStream _pending = new();

    internal RawConnection(Socket socket) => _socket = socket;

    public Socket Socket => _socket;

    public Task SendAsync(string ascii) => SendAsync(Encoding.Latin1.GetBytes(ascii));

    public async Task SendAsync(byte[] bytes)
    {
        var sent = 0;
        while (sent < bytes.Length) sent += await _socket.SendAsync(bytes.AsMemory(sent), SocketFlags.None);
    }

    /// <summary>Reads one response (head + Content-Length or chunked body, or up to EOF when neither).</summary>
    public async Task<RawResponse> ReadResponseAsync(TimeSpan? timeout = null, bool headRequest = false)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(15));
        while (true)
        {
            if (RawResponse.TryParse(_pending, headRequest, eof: false, out var response)) return response!;
            var buffer = new byte[8192];
            int n;
            try { n = await _socket.ReceiveAsync(buffer, SocketFlags.None, cts.Token); }
            catch (SocketException) { n = 0; }
            if (n == 0)
            {
                if (RawResponse.TryParse(_pending, headRequest, eof: true, out response)) return response!;
                throw new IOException($"connection closed before a complete response; got: {Encoding.Latin1.GetString(_pending.ToArray())}");
            }
            _pending.Seek(0, SeekOrigin.End);
            _pending.Write(buffer, 0, n);
        }
    }

    /// <summary>True when the server closes the connection (EOF or reset) within <paramref name="timeout"/>.</summary>
    public async Task<bool> WaitForCloseAsync(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(15));
        var buffer = new byte[8192];
        try
        {
            while (true)
            {
                var n = await _socket.ReceiveAsync(buffer, SocketFlags.None, cts.Token);
                if (n == 0) return true;
                _pending.Seek(0, SeekOrigin.End);
                _pending.Write(buffer, 0, n);
            }
        }
        catch (OperationCanceledException) { return false; }
        catch (SocketException) { return true; }
    }

    /// <summary>Bytes received but not yet consumed as a response.</summary>
    public string Unconsumed => Encoding.Latin1.GetString(_pending.ToArray());

    public void Dispose() => _socket.Dispose();
}

/// <summary>A parsed HTTP/1.1 response, as received.</summary>
public sealed class RawResponse
{
    public required int Status { get; init; }
    public required string StatusLine { get; init; }
    public required List<KeyValuePair<string, string>> Headers { get; init; }
    public required byte[] Body { get; init; }
    public string BodyText => Encoding.UTF8.GetString(Body);

    public string? Header(string name) =>
        Headers.FirstOrDefault(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Value;

    public IEnumerable<string> HeaderValues(string name) =>
        Headers.Where(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Select(h => h.Value);

    internal static bool TryParse(MemoryStream pending, bool headRequest, bool eof, out RawResponse? response)
    {
        response = null;
        var data = pending.ToArray();
        var headEnd = IndexOf(data, "\r\n\r\n"u8, 0);
        if (headEnd < 0) return false;
        var headText = Encoding.Latin1.GetString(data, 0, headEnd);
        var lines = headText.Split("\r\n");
        var statusLine = lines[0];
        var status = int.Parse(statusLine.Split(' ')[1]);
        var headers = new List<KeyValuePair<string, string>>();
        foreach (var line in lines.Skip(1))
        {
            var colon = line.IndexOf(':');
            headers.Add(new(line[..colon], line[(colon + 1)..].Trim()));
        }
        var bodyStart = headEnd + 4;
        string? Get(string n) => headers.FirstOrDefault(h => string.Equals(h.Key, n, StringComparison.OrdinalIgnoreCase)).Value;
        byte[] body;
        int consumed;
        if (headRequest || status is < 200 or 204 or 304)
        {
            body = [];
            consumed = bodyStart;
        }
        else if (Get("Transfer-Encoding") is { } te && te.Contains("chunked", StringComparison.OrdinalIgnoreCase))
        {
            var ms = new MemoryStream();
            var pos = bodyStart;
            while (true)
            {
                var lineEnd = IndexOf(data, "\r\n"u8, pos);
                if (lineEnd < 0) return false;
                var sizeText = Encoding.Latin1.GetString(data, pos, lineEnd - pos).Split(';')[0];
                var size = Convert.ToInt32(sizeText, 16);
                pos = lineEnd + 2;
                if (size == 0)
                {
                    var trailerEnd = IndexOf(data, "\r\n"u8, pos);
                    if (trailerEnd < 0) return false;
                    pos = trailerEnd + 2;
                    break;
                }
                if (data.Length < pos + size + 2) return false;
                ms.Write(data, pos, size);
                pos += size + 2;
            }
            body = ms.ToArray();
            consumed = pos;
        }
        else if (Get("Content-Length") is { } cl)
        {
            var len = int.Parse(cl);
            if (data.Length < bodyStart + len) return false;
            body = data[bodyStart..(bodyStart + len)];
            consumed = bodyStart + len;
        }
        else
        {
            if (!eof) return false;
            body = data[bodyStart..];
            consumed = data.Length;
        }
        var rest = data[consumed..];
        pending.SetLength(0);
        pending.Write(rest);
        response = new RawResponse { Status = status, StatusLine = statusLine, Headers = headers, Body = body };
        return true;
    }

    private static int IndexOf(byte[] data, ReadOnlySpan<byte> needle, int from)
    {
        var i = data.AsSpan(from).IndexOf(needle);
        return i < 0 ? -1 : i + from;
    }
}
