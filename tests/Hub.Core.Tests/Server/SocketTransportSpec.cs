using System.Net;
using System.Net.Sockets;
using System.Text;
using Akka.Actor;
using Akka.Configuration;
using Akka.Streams.Implementation;
using Hub.Configuration;
using Hub.Core.Tests.TestKit;
using Hub.Server;
using Xunit.Abstractions;

namespace Hub.Core.Tests.Server;

/// <summary>
/// hub.transport = sockets on real loopback sockets, with the transport's buffers rented from a counting pool: what
/// an idle connection holds, the write window against a peer that never reads, half-close, abort, lingering close,
/// drain and unbind order, and what thousands of connections leave behind. Not run in parallel with other tests:
/// one test counts the process's open file descriptors.
/// </summary>
[Collection(nameof(SocketTransportSpec))]
public sealed class SocketTransportSpec(ITestOutputHelper output)
    : Akka.TestKit.Xunit2.TestKit(ConfigurationFactory.ParseString("akka.loglevel = WARNING").WithFallback(HubSettings.DefaultConfig()), output: output)
{
    private const string Get = "GET / HTTP/1.1\r\nHost: t\r\n\r\n";

    private readonly CountingArrayPool _pool = new();

    private sealed class Hello : RequestHandler
    {
        public override Task GetAsync()
        {
            Write("Hello, world");
            return Task.CompletedTask;
        }
    }

    /// <summary>Streams 4 KiB chunks until the client goes away, counting the bytes each flush got accepted.</summary>
    private sealed class Firehose : RequestHandler
    {
        public static long Flushed;

        public override async Task GetAsync()
        {
            var chunk = new string('x', 4096);
            while (!ConnectionClosed.IsCancellationRequested)
            {
                Write(chunk);
                await FlushAsync();
                Interlocked.Add(ref Flushed, chunk.Length);
            }
        }
    }

    private async Task<(IActorRef Listener, int Port)> StartAsync(string hocon = "")
    {
        var config = ConfigurationFactory.ParseString(hocon)
            .WithFallback(ConfigurationFactory.ParseString("hub.transport = sockets, hub.server { hostname = \"127.0.0.1\", port = 0 }"))
            .WithFallback(HubSettings.DefaultConfig());
        var settings = HubSettings.FromConfig(config);
        var app = new Application(r => r.Map<Hello>("/").Map<Firehose>("/firehose"));
        var bound = new TaskCompletionSource<EndPoint>(TaskCreationOptions.RunContinuationsAsynchronously);
        var listener = Sys.ActorOf(ListenerActor.Props(app, settings, new IPEndPoint(IPAddress.Loopback, 0), bound, _pool));
        var local = (IPEndPoint)await bound.Task.WaitAsync(TimeSpan.FromSeconds(10));
        return (listener, local.Port);
    }

    private static async Task<Socket> ConnectAsync(int port, int? receiveBuffer = null)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        if (receiveBuffer is { } size) socket.ReceiveBufferSize = size;
        await socket.ConnectAsync(IPAddress.Loopback, port);
        return socket;
    }

    private static async Task SendAsync(Socket socket, string ascii)
    {
        var bytes = Encoding.ASCII.GetBytes(ascii);
        for (var sent = 0; sent < bytes.Length;) sent += await socket.SendAsync(bytes.AsMemory(sent), SocketFlags.None);
    }

    /// <summary>Reads until <paramref name="responses"/> "Hello, world" bodies arrived (or EOF).</summary>
    private static async Task<string> ReadHellosAsync(Socket socket, int responses)
    {
        var text = new StringBuilder();
        var buffer = new byte[4096];
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (Count(text.ToString(), "Hello, world") < responses)
        {
            var n = await socket.ReceiveAsync(buffer, SocketFlags.None, cts.Token);
            if (n == 0) break;
            text.Append(Encoding.ASCII.GetString(buffer, 0, n));
        }
        return text.ToString();
    }

    /// <summary>Reads and discards until EOF; false if the connection was reset instead.</summary>
    private static async Task<bool> ReadToEndAsync(Socket socket)
    {
        var buffer = new byte[16 * 1024];
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        try
        {
            while (await socket.ReceiveAsync(buffer, SocketFlags.None, cts.Token) > 0) { }
            return true;
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionReset)
        {
            return false;
        }
    }

    private static int Count(string text, string what) => text.Split(what).Length - 1;

    private async Task<ListenerProtocol.Stats> StatsAsync(IActorRef listener) =>
        await listener.Ask<ListenerProtocol.Stats>(ListenerProtocol.GetStats.Instance, TimeSpan.FromSeconds(5));

    [Fact]
    public async Task Idle_connections_hold_no_rented_buffer()
    {
        var (listener, port) = await StartAsync();
        var sockets = new List<Socket>();
        for (var i = 0; i < 20; i++)
        {
            var socket = await ConnectAsync(port);
            sockets.Add(socket);
            await SendAsync(socket, Get);
            Assert.Contains("Hello, world", await ReadHellosAsync(socket, 1));
        }

        // Every request was read into, and every response sent from, a rented buffer…
        Assert.True(_pool.Rentals >= 40, $"only {_pool.Rentals} rentals: the transport is not using the pool");
        // …and twenty open, idle connections hold none of them (each waits on a zero-byte receive).
        await AwaitConditionAsync(() => Task.FromResult(_pool.Outstanding == 0), TimeSpan.FromSeconds(10));
        Assert.Equal(20, (await StatsAsync(listener)).OpenConnections);
        foreach (var socket in sockets) socket.Dispose();
    }

    [Fact]
    public async Task A_peer_that_never_reads_stalls_the_writer_at_the_window_and_reading_resumes_it()
    {
        var (_, port) = await StartAsync("hub.server { max-unacked-write-bytes = 16k, socket-send-buffer = 8k }");
        Interlocked.Exchange(ref Firehose.Flushed, 0);
        using var socket = await ConnectAsync(port, receiveBuffer: 8192);
        await SendAsync(socket, "GET /firehose HTTP/1.1\r\nHost: t\r\n\r\n");

        // The handler's flushes stop being accepted once the kernel buffers and the window are full.
        var stalledAt = await QuiescentAsync(() => Interlocked.Read(ref Firehose.Flushed));
        // Kernel buffers (Linux doubles SO_SNDBUF/SO_RCVBUF; loopback adds its own queue) plus the 16 KiB window: a
        // writer without back-pressure would have queued megabytes by now.
        Assert.InRange(stalledAt, 1, 512 * 1024);

        var buffer = new byte[64 * 1024];
        for (long read = 0; read < 2 * 1024 * 1024;) read += await socket.ReceiveAsync(buffer, SocketFlags.None);
        Assert.True(Interlocked.Read(ref Firehose.Flushed) > stalledAt + 1024 * 1024, "reading did not resume the writer");
    }

    /// <summary>Samples <paramref name="value"/> until it stops changing across half a second; returns it.</summary>
    private static async Task<long> QuiescentAsync(Func<long> value)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        var last = -1L;
        while (DateTime.UtcNow < deadline)
        {
            await Task.Delay(500);
            var now = value();
            if (now == last && now > 0) return now;
            last = now;
        }
        throw new TimeoutException($"the writer never stalled ({last} bytes flushed)");
    }

    [Fact]
    public async Task A_half_closed_client_gets_answers_to_the_requests_it_sent_before_its_fin()
    {
        var (_, port) = await StartAsync();
        using var socket = await ConnectAsync(port);
        await SendAsync(socket, Get + Get);
        socket.Shutdown(SocketShutdown.Send);

        var text = await ReadHellosAsync(socket, 2);
        Assert.Equal(2, Count(text, "HTTP/1.1 200 OK"));
        Assert.True(await ReadToEndAsync(socket), "the server reset instead of closing");
    }

    [Fact]
    public async Task Aborting_resets_the_connection()
    {
        var (listener, port) = await StartAsync();
        using var socket = await ConnectAsync(port);
        await SendAsync(socket, Get);
        await ReadHellosAsync(socket, 1);

        listener.Tell(ListenerProtocol.AbortAll.Instance);
        var error = await Assert.ThrowsAsync<SocketException>(async () =>
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await socket.ReceiveAsync(new byte[16], SocketFlags.None, cts.Token);
        });
        Assert.Equal(SocketError.ConnectionReset, error.SocketErrorCode);
    }

    [Fact]
    public async Task Closing_lingers_and_drains_request_bytes_it_never_read_so_the_response_survives()
    {
        var (_, port) = await StartAsync();
        using var socket = await ConnectAsync(port);
        // A last request, then bytes the server never parses: closing with them unread would reset the connection
        // and could destroy the response in the client's kernel.
        var junk = new string('j', 256 * 1024);
        var sending = SendAsync(socket, "GET / HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n" + junk);

        var text = await ReadHellosAsync(socket, 1);
        Assert.Contains("Hello, world", text);
        await sending.WaitAsync(TimeSpan.FromSeconds(10));
        socket.Shutdown(SocketShutdown.Send);
        Assert.True(await ReadToEndAsync(socket), "the server reset the connection instead of draining it");
    }

    [Fact]
    public async Task A_drain_unbinds_only_after_the_last_socket_has_closed()
    {
        var (listener, port) = await StartAsync();
        using var socket = await ConnectAsync(port);
        await SendAsync(socket, Get);
        await ReadHellosAsync(socket, 1);

        await listener.Ask<ListenerProtocol.Drained>(ListenerProtocol.Drain.Instance, TimeSpan.FromSeconds(10));
        var unbound = listener.Ask<ListenerProtocol.Unbound>(ListenerProtocol.WhenUnbound.Instance, TimeSpan.FromSeconds(15));
        // Drained: the idle connection got our FIN and lingers for the client's; the port stays bound meanwhile.
        Assert.False(unbound.IsCompleted);
        Assert.True(await ReadToEndAsync(socket));
        socket.Dispose();

        await unbound;
        using var late = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        var refused = await Assert.ThrowsAsync<SocketException>(() => late.ConnectAsync(IPAddress.Loopback, port));
        Assert.Equal(SocketError.ConnectionRefused, refused.SocketErrorCode);
    }

    [Fact]
    public async Task Five_thousand_connect_close_cycles_leave_no_socket_buffer_or_actor_behind()
    {
        var (listener, port) = await StartAsync();
        // One cycle first: the runtime's own descriptors (epoll, its pipes) exist from then on.
        await CycleAsync(port, clientClosesFirst: true);
        await AwaitConditionAsync(async () => (await StatsAsync(listener)).OpenConnections == 0, TimeSpan.FromSeconds(10));
        var descriptorsBefore = OpenDescriptors();

        const int cycles = 5000;
        for (var i = 0; i < cycles; i++) await CycleAsync(port, clientClosesFirst: i % 2 == 0);

        await AwaitConditionAsync(async () => (await StatsAsync(listener)).OpenConnections == 0, TimeSpan.FromSeconds(30));
        Assert.Equal(cycles + 1, (await StatsAsync(listener)).AcceptedConnections);
        await AwaitConditionAsync(() => Task.FromResult(_pool.Outstanding == 0), TimeSpan.FromSeconds(10));
        await AwaitConditionAsync(async () => (await StreamActorsAsync(listener)).Count == 0, TimeSpan.FromSeconds(10));
        // The listening socket and the runtime's own stay; no accepted socket does.
        Assert.InRange(OpenDescriptors(), 0, descriptorsBefore + 4);
    }

    private static async Task CycleAsync(int port, bool clientClosesFirst)
    {
        using var socket = await ConnectAsync(port);
        await SendAsync(socket, clientClosesFirst ? Get : "GET / HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
        Assert.Contains("Hello, world", await ReadHellosAsync(socket, 1));
        if (!clientClosesFirst) Assert.True(await ReadToEndAsync(socket));
    }

    /// <summary>The stream interpreters still running under the listener's materializer.</summary>
    private async Task<IReadOnlyCollection<IActorRef>> StreamActorsAsync(IActorRef listener)
    {
        var identity = await Sys.ActorSelection(listener.Path / "StreamSupervisor-*")
            .Ask<ActorIdentity>(new Identify(null), TimeSpan.FromSeconds(5));
        var supervisor = identity.Subject ?? throw new InvalidOperationException("the listener has no stream supervisor");
        var children = await supervisor.Ask<StreamSupervisor.Children>(StreamSupervisor.GetChildren.Instance, TimeSpan.FromSeconds(5));
        return children.Refs;
    }

    // Linux (CI) lists a process's descriptors here; elsewhere the count is left out (0).
    private static int OpenDescriptors() => OperatingSystem.IsLinux() ? Directory.GetFiles("/proc/self/fd").Length : 0;
}

/// <summary>Runs <see cref="SocketTransportSpec"/> alone: it counts the process's file descriptors.</summary>
[CollectionDefinition(nameof(SocketTransportSpec), DisableParallelization = true)]
public sealed class SocketTransportSpecCollection;
