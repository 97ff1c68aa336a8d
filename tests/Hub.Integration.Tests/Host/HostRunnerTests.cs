using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Hub.Host;

namespace Hub.Integration.Tests.Host;

/// <summary>HostRunner.RunAsync in-process: the executable's code path minus the process and its signals.</summary>
public sealed class HostRunnerTests
{
    private static async Task<(int Code, string Out, string Err)> RunAsync(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = await HostRunner.RunAsync(args, stdout, stderr, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));
        return (code, stdout.ToString(), stderr.ToString());
    }

    private static void AssertOneLineError(string stderr)
    {
        var text = stderr.TrimEnd('\r', '\n');
        Assert.StartsWith("error: ", text);
        Assert.DoesNotContain('\n', text);
    }

    [Fact]
    public async Task Help_lists_every_flag_and_exits_0()
    {
        var (code, output, _) = await RunAsync("--help");
        Assert.Equal(0, code);
        foreach (var flag in new[] { "--port", "--bind", "--config", "--set", "--proxy-upstream", "--max-body-size", "--max-header-size", "--idle-timeout", "--tls-port", "--tls-cert", "--tls-key", "--tls-pfx", "--tls-pfx-password-file", "--help" })
            Assert.Contains(flag, output);
        Assert.Contains("8888", output);
        Assert.Contains("127.0.0.1", output);
    }

    [Fact]
    public async Task Bad_flag_is_one_line_on_stderr_and_exit_2()
    {
        var (code, output, error) = await RunAsync("--bogus");
        Assert.Equal(HostRunner.ExitUsage, code);
        AssertOneLineError(error);
        Assert.Contains("--bogus", error);
        Assert.Equal("", output);
    }

    [Fact]
    public async Task Bad_config_is_one_line_on_stderr_and_exit_1()
    {
        using var file = new TempFile("hub.http.max-request-body-size = lots");
        var (code, _, error) = await RunAsync("--port", "0", "--config", file.Path);
        Assert.Equal(HostRunner.ExitStartupFailed, code);
        AssertOneLineError(error);
        Assert.Contains("hub.http.max-request-body-size", error);
    }

    [Fact]
    public async Task Port_in_use_is_one_line_on_stderr_and_exit_1()
    {
        using var taken = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        taken.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        taken.Listen();
        var port = ((IPEndPoint)taken.LocalEndPoint!).Port;
        var (code, _, error) = await RunAsync("--port", port.ToString(), "--set", "akka.loglevel=WARNING");
        Assert.Equal(HostRunner.ExitStartupFailed, code);
        AssertOneLineError(error);
        Assert.Contains(port.ToString(), error);
    }

    [Fact]
    public async Task Serves_until_stopped_then_exits_0()
    {
        var stdout = new CapturingWriter();
        var stderr = new CapturingWriter();
        using var stop = new CancellationTokenSource();
        var run = HostRunner.RunAsync(["--port", "0", "--set", "akka.loglevel=WARNING"], stdout, stderr, stop.Token);

        Match? listening = null;
        for (var i = 0; i < 300 && listening is not { Success: true }; i++)
        {
            Assert.False(run.IsCompleted, "the host stopped early: " + stderr);
            listening = Regex.Match(stdout.ToString(), @"Hub listening on http://127\.0\.0\.1:(\d+)");
            if (!listening.Success) await Task.Delay(100);
        }
        Assert.True(listening!.Success, "no listening line in: " + stdout);
        var port = int.Parse(listening.Groups[1].Value);
        Assert.NotEqual(0, port);

        using (var client = new HttpClient { Timeout = TimeSpan.FromSeconds(15) })
            Assert.Equal("Hello, world", await client.GetStringAsync($"http://127.0.0.1:{port}/"));

        stop.Cancel();
        Assert.Equal(0, await run.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal("", stderr.ToString());
    }
}
