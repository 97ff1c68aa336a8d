using System.Net;
using System.Net.Sockets;
using Akka.Event;
using Hub.Integration.Tests.Support;

namespace Hub.Integration.Tests.Diagnostics;

public sealed class LoggingTests
{
    private sealed class Hello : RequestHandler
    {
        public override Task GetAsync()
        {
            Write("hello");
            return Task.CompletedTask;
        }
    }

    /// <summary>The user is the X-User header; a failure is logged with it.</summary>
    private sealed class SignedIn : RequestHandler
    {
        public override Task<string?> GetCurrentUserAsync() => Task.FromResult(Request.Headers.Get("X-User"));

        public override Task GetAsync() => GetQueryArgument("fail", null) is null
            ? Task.CompletedTask
            : throw new InvalidOperationException("boom");
    }

    private static async Task<T> EventuallyAsync<T>(Func<T?> find, string what) where T : class
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        while (true)
        {
            if (find() is { } found) return found;
            if (DateTime.UtcNow > deadline) Assert.Fail("timed out waiting for " + what);
            await Task.Delay(20);
        }
    }

    private static IReadOnlyDictionary<string, object> Properties(LogEvent e)
    {
        Assert.True(e.TryGetProperties(out var properties));
        return properties!;
    }

    [Fact]
    public async Task Access_log_writes_one_structured_line_per_request()
    {
        await using var server = await TestServer.StartAsync(r => r.Map<Hello>("/hello"),
            "hub.http.access-log = on\nakka.loglevel = INFO");
        var log = LogCapture.Start(server.System, typeof(Info));

        Assert.Equal(HttpStatusCode.OK, (await server.Client.GetAsync("/hello?token=secret")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await server.Client.GetAsync("/nowhere")).StatusCode);

        bool IsAccess(LogEvent e) => e.LogSource.StartsWith(Hub.Diagnostics.AccessLog.LogSource, StringComparison.Ordinal);
        var lines = await EventuallyAsync(() => log.Events.Where(IsAccess).ToList() is { Count: 2 } l ? l : null, "two access-log lines");

        var ok = Properties(lines[0]);
        Assert.Equal("GET", ok["Method"]);
        Assert.Equal("/hello", ok["Path"]); // the query (which may carry secrets) is not logged
        Assert.Equal(200, ok["Status"]);
        Assert.Equal(5L, ok["Bytes"]);
        Assert.InRange(Convert.ToDouble(ok["DurationMs"]), 0, 30_000);
        Assert.Equal("127.0.0.1", ok["Remote"]);
        Assert.Equal("-", ok["User"]);
        Assert.DoesNotContain("secret", lines[0].Message.ToString());
        Assert.Equal(404, Properties(lines[1])["Status"]);
        Assert.Equal(Hub.Host.Telemetry.HostTelemetry.AccessLogCategory, Hub.Diagnostics.AccessLog.LogSource);
    }

    [Fact]
    public async Task Access_log_and_handler_failures_name_the_current_user()
    {
        await using var server = await TestServer.StartAsync(r => r.Map<SignedIn>("/"),
            "hub.http.access-log = on\nakka.loglevel = INFO");
        var log = LogCapture.Start(server.System, typeof(Info), typeof(Error));

        foreach (var path in new[] { "/", "/?fail=1" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, path);
            request.Headers.Add("X-User", "ann");
            await server.Client.SendAsync(request);
        }

        bool IsAccess(LogEvent e) => e.LogSource.StartsWith(Hub.Diagnostics.AccessLog.LogSource, StringComparison.Ordinal);
        var lines = await EventuallyAsync(() => log.Events.Where(IsAccess).ToList() is { Count: 2 } l ? l : null, "two access-log lines");
        Assert.All(lines, line => Assert.Equal("ann", Properties(line)["User"]));
        var failure = await EventuallyAsync(() => log.Events.OfType<Error>().FirstOrDefault(), "the handler's failure");
        Assert.Contains("user=ann", failure.Message.ToString());
    }

    [Fact]
    public async Task Access_log_is_off_by_default()
    {
        await using var server = await TestServer.StartAsync(r => r.Map<Hello>("/hello"), "akka.loglevel = INFO");
        var log = LogCapture.Start(server.System, typeof(Info));

        Assert.Equal(HttpStatusCode.OK, (await server.Client.GetAsync("/hello")).StatusCode);
        // A later marker through the same event stream: everything logged before it has been delivered.
        server.System.Log.Info("marker");
        await EventuallyAsync(() => log.Events.FirstOrDefault(e => e.Message.ToString() == "marker"), "the marker");
        Assert.DoesNotContain(log.Events, e => e.LogSource.StartsWith("Hub.AccessLog", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_connection_reset_by_the_client_is_logged_once_with_connection_id_and_remote_address()
    {
        await using var server = await TestServer.StartAsync(r => r.Map<Hello>("/hello"));
        var log = LogCapture.Start(server.System, typeof(Warning));

        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(IPAddress.Loopback, server.Port);
        var local = (IPEndPoint)socket.LocalEndPoint!;
        await socket.SendAsync("GET /hello HTTP/1.1\r\nHo"u8.ToArray(), SocketFlags.None);
        // Linger 0: close sends RST instead of FIN.
        socket.LingerState = new LingerOption(true, 0);
        socket.Close();

        var line = await EventuallyAsync(() => log.Events.FirstOrDefault(e => e.GetTemplate().StartsWith("Connection {ConnectionId}", StringComparison.Ordinal)),
            "the connection error line");
        var properties = Properties(line);
        Assert.StartsWith("c-", line.LogSource[(line.LogSource.LastIndexOf('/') + 1)..]);
        Assert.False(string.IsNullOrEmpty(properties["ConnectionId"]?.ToString()));
        Assert.Contains(local.Port.ToString(), properties["RemoteAddress"]!.ToString());
        await Task.Delay(200);
        Assert.Single(log.Events, e => e.GetTemplate().StartsWith("Connection {ConnectionId}", StringComparison.Ordinal));
    }
}
