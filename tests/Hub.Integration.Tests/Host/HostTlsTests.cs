using System.Text.RegularExpressions;
using Hub.Host;
using Hub.Integration.Tests.Tls;

namespace Hub.Integration.Tests.Host;

/// <summary>
/// Hub.Host with --tls-port and a certificate: plain HTTP and HTTPS side by side; every certificate problem is one line
/// on stderr naming the flag, and exit 1; SIGHUP loads renewed certificates without a restart.
/// </summary>
public sealed class HostTlsTests : IDisposable
{
    private readonly TestCertificates _certificates = new();

    public void Dispose() => _certificates.Dispose();

    private static async Task<(int Code, string Out, string Err)> RunAsync(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = await HostRunner.RunAsync(args, stdout, stderr, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));
        return (code, stdout.ToString(), stderr.ToString());
    }

    private static void AssertOneLineError(string stderr, string names)
    {
        var text = stderr.TrimEnd('\r', '\n');
        Assert.StartsWith("error: ", text);
        Assert.DoesNotContain('\n', text);
        Assert.Contains(names, text);
    }

    [Fact]
    public async Task Serves_http_on_port_and_https_on_tls_port_side_by_side()
    {
        var (certificate, certFile, keyFile) = _certificates.Create("host", "localhost");
        var stdout = new CapturingWriter();
        var stderr = new CapturingWriter();
        using var stop = new CancellationTokenSource();
        var run = HostRunner.RunAsync(["--port", "0", "--tls-port", "0", "--tls-cert", certFile, "--tls-key", keyFile, "--set", "akka.loglevel=WARNING"],
            stdout, stderr, stop.Token);
        MatchCollection? lines = null;
        for (var i = 0; i < 300 && lines is not { Count: 2 }; i++)
        {
            Assert.False(run.IsCompleted, "the host stopped early: " + stderr);
            lines = Regex.Matches(stdout.ToString(), @"Hub listening on (https?)://127\.0\.0\.1:(\d+)");
            if (lines.Count < 2) await Task.Delay(100);
        }
        Assert.NotNull(lines);
        Assert.Equal(["http", "https"], lines.Select(m => m.Groups[1].Value));
        var httpPort = int.Parse(lines[0].Groups[2].Value);
        var httpsPort = int.Parse(lines[1].Groups[2].Value);

        using (var plain = new HttpClient { Timeout = TimeSpan.FromSeconds(15) })
            Assert.Equal("Hello, world", await plain.GetStringAsync($"http://127.0.0.1:{httpPort}/"));
        await using (var tls = await TlsClient.ConnectAsync(httpsPort, "localhost"))
        {
            Assert.Equal(certificate.GetCertHashString(), tls.RemoteCertificate!.GetCertHashString());
            Assert.Contains("Hello, world", await tls.RequestAsync("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n"));
        }

        stop.Cancel();
        Assert.Equal(0, await run.WaitAsync(TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public async Task A_config_file_gives_sni_certificates_per_host()
    {
        var (_, certFile, keyFile) = _certificates.Create("default", "localhost");
        var (named, namedCert, namedKey) = _certificates.Create("named", "api.hub.test");
        using var config = new TempFile($$"""
            hub.tls {
              certificate = "{{certFile}}"
              key = "{{keyFile}}"
              hosts = [
                { host = "api.hub.test", certificate = "{{namedCert}}", key = "{{namedKey}}" }
              ]
            }
            """);
        var stdout = new CapturingWriter();
        var stderr = new CapturingWriter();
        using var stop = new CancellationTokenSource();
        var run = HostRunner.RunAsync(["--port", "0", "--tls-port", "0", "--config", config.Path, "--set", "akka.loglevel=WARNING"],
            stdout, stderr, stop.Token);
        Match? https = null;
        for (var i = 0; i < 300 && https is not { Success: true }; i++)
        {
            Assert.False(run.IsCompleted, "the host stopped early: " + stderr);
            https = Regex.Match(stdout.ToString(), @"Hub listening on https://127\.0\.0\.1:(\d+)");
            if (!https.Success) await Task.Delay(100);
        }
        Assert.True(https!.Success, "no https listening line in: " + stdout);
        await using (var tls = await TlsClient.ConnectAsync(int.Parse(https.Groups[1].Value), "api.hub.test"))
            Assert.Equal(named.GetCertHashString(), tls.RemoteCertificate!.GetCertHashString());
        stop.Cancel();
        Assert.Equal(0, await run.WaitAsync(TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public async Task An_unreadable_certificate_names_the_flag()
    {
        var (_, _, keyFile) = _certificates.Create("a", "localhost");
        var (code, output, error) = await RunAsync("--port", "0", "--tls-port", "0", "--tls-cert", "/nonexistent/cert.pem", "--tls-key", keyFile);
        Assert.Equal(HostRunner.ExitStartupFailed, code);
        AssertOneLineError(error, "--tls-cert: '/nonexistent/cert.pem' cannot be read");
        Assert.DoesNotContain("listening", output);
    }

    [Fact]
    public async Task A_malformed_certificate_names_the_flag()
    {
        var (_, _, keyFile) = _certificates.Create("a", "localhost");
        var garbage = Path.Combine(_certificates.Folder, "garbage.pem");
        await File.WriteAllTextAsync(garbage, "not a certificate");
        var (code, _, error) = await RunAsync("--port", "0", "--tls-port", "0", "--tls-cert", garbage, "--tls-key", keyFile);
        Assert.Equal(HostRunner.ExitStartupFailed, code);
        AssertOneLineError(error, $"--tls-cert: '{garbage}'");
    }

    [Fact]
    public async Task A_key_that_does_not_match_names_the_key_flag()
    {
        var (_, certFile, _) = _certificates.Create("a", "localhost");
        var (_, _, otherKey) = _certificates.Create("b", "localhost");
        var (code, _, error) = await RunAsync("--port", "0", "--tls-port", "0", "--tls-cert", certFile, "--tls-key", otherKey);
        Assert.Equal(HostRunner.ExitStartupFailed, code);
        AssertOneLineError(error, $"--tls-key: '{otherKey}' is not the PEM private key of {certFile}");
    }

    [Fact]
    public async Task A_missing_half_of_the_pair_or_a_tls_port_without_certificate_says_what_is_needed()
    {
        var (_, certFile, _) = _certificates.Create("a", "localhost");
        var (code, _, error) = await RunAsync("--port", "0", "--tls-port", "0", "--tls-cert", certFile);
        Assert.Equal(HostRunner.ExitStartupFailed, code);
        AssertOneLineError(error, "--tls-cert needs --tls-key");

        (code, _, error) = await RunAsync("--port", "0", "--tls-port", "0");
        Assert.Equal(HostRunner.ExitStartupFailed, code);
        AssertOneLineError(error, "--tls-port needs --tls-cert and --tls-key, or --tls-pfx");
    }

    [Fact]
    public async Task Sighup_loads_a_renewed_certificate_for_new_handshakes()
    {
        var (first, certFile, keyFile) = _certificates.Create("live", "localhost");
        // File watching off: only the signal may reload.
        using var host = HostProcess.Start("--port", "0", "--tls-port", "0", "--tls-cert", certFile, "--tls-key", keyFile,
            "--set", "hub.tls.watch=off");
        await host.WaitForListeningAsync();
        var tlsPort = await WaitForTlsPortAsync(host);
        await using (var before = await TlsClient.ConnectAsync(tlsPort, "localhost"))
            Assert.Equal(first.GetCertHashString(), before.RemoteCertificate!.GetCertHashString());

        var (renewed, renewedCert, renewedKey) = _certificates.Create("renewed", "localhost");
        File.Copy(renewedCert, certFile, overwrite: true);
        File.Copy(renewedKey, keyFile, overwrite: true);
        await host.SignalAsync("HUP");

        string? seen = null;
        for (var i = 0; i < 100 && seen != renewed.GetCertHashString(); i++)
        {
            await using var probe = await TlsClient.ConnectAsync(tlsPort, "localhost");
            seen = probe.RemoteCertificate!.GetCertHashString();
            if (seen != renewed.GetCertHashString()) await Task.Delay(100);
        }
        Assert.Equal(renewed.GetCertHashString(), seen);
        await host.SignalAsync("TERM");
        Assert.Equal(0, await host.WaitForExitAsync(TimeSpan.FromSeconds(30)));
    }

    private static async Task<int> WaitForTlsPortAsync(HostProcess host)
    {
        for (var i = 0; i < 100; i++)
        {
            var line = host.StdoutLines.Select(l => Regex.Match(l, @"Hub listening on https://127\.0\.0\.1:(\d+)")).FirstOrDefault(m => m.Success);
            if (line is not null) return int.Parse(line.Groups[1].Value);
            await Task.Delay(100);
        }
        throw new TimeoutException("no https listening line: " + string.Join(" | ", host.StdoutLines));
    }
}
