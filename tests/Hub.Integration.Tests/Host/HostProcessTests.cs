using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Hub.Integration.Tests.Support;

namespace Hub.Integration.Tests.Host;

/// <summary>Hub.Host.dll as a process: exit codes, stderr, the listening line, signals and the shorthand flags.</summary>
public sealed class HostProcessTests
{
    private static readonly string[] Quiet = ["--set", "akka.loglevel=WARNING"];

    private static void AssertOneLineError(IReadOnlyList<string> stderr)
    {
        var lines = stderr.Where(l => l.Length > 0).ToArray();
        var line = Assert.Single(lines);
        Assert.StartsWith("error: ", line);
    }

    private static async Task<RawConnection> ConnectAsync(Uri url)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(IPAddress.Loopback, url.Port);
        return new RawConnection(socket);
    }

    [Fact]
    public async Task Help_exits_0_and_lists_the_flags()
    {
        var (code, stdout, _) = await HostProcess.RunAsync("--help");
        Assert.Equal(0, code);
        var text = string.Join('\n', stdout);
        foreach (var flag in new[] { "--port", "--bind", "--config", "--set", "--proxy-upstream", "--max-body-size", "--max-header-size", "--idle-timeout" })
            Assert.Contains(flag, text);
    }

    [Fact]
    public async Task Bad_flag_exits_non_zero_with_one_line_on_stderr()
    {
        var (code, _, stderr) = await HostProcess.RunAsync("--no-such-flag");
        Assert.NotEqual(0, code);
        AssertOneLineError(stderr);
        Assert.Contains("--no-such-flag", stderr[0]);
    }

    [Fact]
    public async Task Port_in_use_exits_non_zero_with_one_line_on_stderr()
    {
        using var taken = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        taken.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        taken.Listen();
        var port = ((IPEndPoint)taken.LocalEndPoint!).Port;
        var (code, stdout, stderr) = await HostProcess.RunAsync(["--port", port.ToString()]);
        Assert.NotEqual(0, code);
        AssertOneLineError(stderr);
        Assert.Contains(port.ToString(), stderr[0]);
        Assert.DoesNotContain(stdout.Concat(stderr), l => l.TrimStart().StartsWith("at ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Missing_config_file_exits_non_zero_naming_it()
    {
        var path = Path.Combine(Path.GetTempPath(), "hub-missing-" + Guid.NewGuid().ToString("N") + ".conf");
        var (code, _, stderr) = await HostProcess.RunAsync("--port", "0", "--config", path);
        Assert.NotEqual(0, code);
        AssertOneLineError(stderr);
        Assert.Contains(path, stderr[0]);
    }

    [Fact]
    public async Task Config_file_with_a_syntax_error_exits_non_zero_naming_it()
    {
        using var file = new TempFile("hub.http {\n  max-request-body-size = 10\n");
        var (code, _, stderr) = await HostProcess.RunAsync("--port", "0", "--config", file.Path);
        Assert.NotEqual(0, code);
        AssertOneLineError(stderr);
        Assert.Contains(file.Path, stderr[0]);
    }

    [Fact]
    public async Task Config_file_with_an_invalid_value_exits_non_zero_naming_the_key()
    {
        using var file = new TempFile("hub.http.keep-alive-timeout = -5s");
        var (code, _, stderr) = await HostProcess.RunAsync("--port", "0", "--config", file.Path);
        Assert.NotEqual(0, code);
        AssertOneLineError(stderr);
        Assert.Contains("hub.http.keep-alive-timeout", stderr[0]);
    }

    [Fact]
    public async Task Invalid_set_value_exits_non_zero_naming_the_key()
    {
        var (code, _, stderr) = await HostProcess.RunAsync("--port", "0", "--set", "hub.server.backlog=none");
        Assert.NotEqual(0, code);
        AssertOneLineError(stderr);
        Assert.Contains("hub.server.backlog", stderr[0]);
    }

    [Fact]
    public async Task Port_0_prints_the_bound_address_and_serves_root()
    {
        using var host = HostProcess.Start(["--port", "0", .. Quiet]);
        var url = await host.WaitForListeningAsync();
        Assert.Equal("127.0.0.1", url.Host);
        Assert.NotEqual(0, url.Port);
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(15) };
        Assert.Equal("Hello, world", await client.GetStringAsync(url));
        Assert.Single(host.StdoutLines, l => l.StartsWith("Hub listening on ", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("TERM")]
    [InlineData("INT")]
    public async Task A_termination_signal_stops_gracefully_with_exit_0(string signal)
    {
        using var host = HostProcess.Start(["--port", "0", .. Quiet]);
        var url = await host.WaitForListeningAsync();
        using (var client = new HttpClient { Timeout = TimeSpan.FromSeconds(15) })
            Assert.Equal("Hello, world", await client.GetStringAsync(url));
        await host.SignalAsync(signal);
        Assert.Equal(0, await host.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        Assert.Empty(host.StderrLines);
    }

    [Fact]
    public async Task Idle_timeout_closes_an_idle_connection_after_about_that_long()
    {
        using var host = HostProcess.Start(["--port", "0", "--idle-timeout", "2", .. Quiet]);
        var url = await host.WaitForListeningAsync();
        using var conn = await ConnectAsync(url);
        await conn.SendAsync("GET / HTTP/1.1\r\nHost: t\r\n\r\n");
        Assert.Equal(200, (await conn.ReadResponseAsync()).Status);
        var idleSince = Stopwatch.StartNew();
        Assert.True(await conn.WaitForCloseAsync(TimeSpan.FromSeconds(10)), "the idle connection was not closed within 10 s");
        Assert.True(idleSince.Elapsed >= TimeSpan.FromSeconds(1.5), $"closed after {idleSince.Elapsed}, well before the 2 s idle timeout");
    }

    [Fact]
    public async Task Idle_timeout_cuts_off_a_client_dribbling_a_request_head()
    {
        using var host = HostProcess.Start(["--port", "0", "--idle-timeout", "2", .. Quiet]);
        var url = await host.WaitForListeningAsync();
        using var conn = await ConnectAsync(url);
        var started = Stopwatch.StartNew();
        await conn.SendAsync("GET / HTTP/1.1\r\nHost: t\r\nX-Slow: ");
        // One byte every 200 ms keeps the connection busy but never completes the head.
        var closed = false;
        while (!closed && started.Elapsed < TimeSpan.FromSeconds(10))
        {
            try { await conn.SendAsync("a"); }
            catch (SocketException) { closed = true; break; }
            closed = await conn.WaitForCloseAsync(TimeSpan.FromMilliseconds(200));
        }
        Assert.True(closed, "a dribbling client was not cut off within 10 s");
        Assert.True(started.Elapsed >= TimeSpan.FromSeconds(1.5), $"cut off after {started.Elapsed}, before the 2 s deadline");
    }

    [Fact]
    public async Task Max_body_size_flag_refuses_larger_bodies_with_413()
    {
        using var host = HostProcess.Start(["--port", "0", "--max-body-size", "16", .. Quiet]);
        var url = await host.WaitForListeningAsync();
        using var client = new HttpClient { BaseAddress = url, Timeout = TimeSpan.FromSeconds(15) };
        var small = await client.PostAsync("/items", new StringContent("""{"a":1}""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Created, small.StatusCode);
        var large = await client.PostAsync("/items", new StringContent("""{"a":"0123456789abcdef"}""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, large.StatusCode);
    }

    [Fact]
    public async Task Max_header_size_flag_limits_the_request_line_and_the_headers()
    {
        using var host = HostProcess.Start(["--port", "0", "--max-header-size", "1024", .. Quiet]);
        var url = await host.WaitForListeningAsync();

        using (var conn = await ConnectAsync(url))
        {
            await conn.SendAsync($"GET /?q={new string('a', 2000)} HTTP/1.1\r\nHost: t\r\n\r\n");
            Assert.Equal(414, (await conn.ReadResponseAsync()).Status);
        }
        using (var conn = await ConnectAsync(url))
        {
            await conn.SendAsync($"GET / HTTP/1.1\r\nHost: t\r\nX-Big: {new string('b', 2000)}\r\n\r\n");
            Assert.Equal(431, (await conn.ReadResponseAsync()).Status);
        }
        using (var conn = await ConnectAsync(url))
        {
            await conn.SendAsync($"GET / HTTP/1.1\r\nHost: t\r\nX-Small: {new string('c', 500)}\r\n\r\n");
            Assert.Equal(200, (await conn.ReadResponseAsync()).Status);
        }
    }
}
