using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Hub.Integration.Tests.Support;

namespace Hub.Integration.Tests.Tls;

/// <summary>
/// A TLS listener (hub.tls) on 127.0.0.1 with certificates made at test time: HTTPS and WSS through the BCL's clients,
/// SNI, certificate reload without dropping connections, and every bad handshake closed within the handshake timeout
/// while other connections keep working.
/// </summary>
public sealed class TlsListenerTests : IAsyncLifetime
{
    private readonly TestCertificates _certificates = new();
    private X509Certificate2 _default = null!;
    private X509Certificate2 _named = null!;
    private TestServer _server = null!;

    private sealed class Hello : RequestHandler
    {
        public override Task GetAsync()
        {
            Write(GetArgument("size", null) is { } size ? new string('x', int.Parse(size)) : "Hello, world");
            return Task.CompletedTask;
        }

        public override Task PostAsync()
        {
            Write($"got {Request.Body.Length}");
            return Task.CompletedTask;
        }
    }

    private sealed class Echo : WebSocketHandler
    {
        public override Task OnMessageAsync(WsMessage m) => WriteMessageAsync("Echo: " + m.Text);
    }

    public async Task InitializeAsync()
    {
        var (def, defCert, defKey) = _certificates.Create("default", "localhost");
        var (named, namedCert, namedKey) = _certificates.Create("named", "api.hub.test");
        _default = def;
        _named = named;
        _server = await TestServer.StartAsync(r => r.Map<Hello>("/").Map<Echo>("/ws"), TestCertificates.Hocon(defCert, defKey, $$"""
            handshake-timeout = 1s
            hosts = [ { host = "api.hub.test", certificate = "{{namedCert}}", key = "{{namedKey}}" } ]
            """));
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _certificates.Dispose();
    }

    private HttpClient HttpsClient() => new(new SocketsHttpHandler
    {
        SslOptions = { RemoteCertificateValidationCallback = (_, cert, _, _) => cert is not null && cert.GetCertHashString() == _default.GetCertHashString() },
    })
    { BaseAddress = new Uri($"https://127.0.0.1:{_server.Port}") };

    [Fact]
    public async Task Serves_https_with_keep_alive()
    {
        using var client = HttpsClient();
        for (var i = 0; i < 3; i++) Assert.Equal("Hello, world", await client.GetStringAsync("/"));
        var large = await client.GetStringAsync("/?size=1000000");
        Assert.Equal(1_000_000, large.Length);
        using var body = new ByteArrayContent(new byte[300_000]);
        var posted = await client.PostAsync("/", body);
        Assert.Equal("got 300000", await posted.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Serves_wss()
    {
        using var ws = new ClientWebSocket();
        ws.Options.RemoteCertificateValidationCallback = (_, cert, _, _) => cert?.GetCertHashString() == _default.GetCertHashString();
        await ws.ConnectAsync(new Uri($"wss://127.0.0.1:{_server.Port}/ws"), CancellationToken.None);
        await ws.SendAsync(Encoding.UTF8.GetBytes("hello"), WebSocketMessageType.Text, true, CancellationToken.None);
        Assert.Equal("Echo: hello", await ws.ReceiveTextAsync());
        await ws.CloseAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
        Assert.Equal(WebSocketCloseStatus.NormalClosure, ws.CloseStatus);
    }

    [Theory]
    [InlineData(SslProtocols.Tls12)]
    [InlineData(SslProtocols.Tls13)]
    public async Task Negotiates_tls_1_2_and_1_3_with_alpn_http_1_1(SslProtocols protocol)
    {
        await using var tls = await TlsClient.ConnectAsync(_server.Port, "localhost", protocol);
        Assert.Equal(protocol, tls.Stream.SslProtocol);
        Assert.Equal(SslApplicationProtocol.Http11, tls.Stream.NegotiatedApplicationProtocol);
        Assert.Equal(_default.GetCertHashString(), tls.RemoteCertificate!.GetCertHashString());
        Assert.Contains("Hello, world", await tls.RequestAsync("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n"));
    }

    [Theory]
    [InlineData("api.hub.test", true)]
    [InlineData("API.HUB.TEST", true)]
    [InlineData("other.hub.test", false)]
    [InlineData("localhost", false)]
    public async Task Picks_the_certificate_by_sni_host_name_with_a_default(string host, bool named)
    {
        await using var tls = await TlsClient.ConnectAsync(_server.Port, host);
        Assert.Equal((named ? _named : _default).GetCertHashString(), tls.RemoteCertificate!.GetCertHashString());
    }

    [Fact]
    public async Task Closes_a_plain_http_request_to_the_tls_port_and_keeps_serving()
    {
        using var conn = await _server.ConnectAsync();
        await conn.SendAsync("GET / HTTP/1.1\r\nHost: t\r\n\r\n");
        Assert.True(await conn.WaitForCloseAsync(TimeSpan.FromSeconds(10)), "a plain HTTP request must end the connection");
        Assert.DoesNotContain("HTTP/1.1", conn.Unconsumed);
        await AssertStillServingAsync();
    }

    [Fact]
    public async Task Closes_a_silent_client_and_a_truncated_client_hello_after_the_handshake_timeout()
    {
        using var silent = await _server.ConnectAsync();
        using var truncated = await _server.ConnectAsync();
        // A TLS handshake record header announcing 512 bytes, and only 5 of them.
        await truncated.SendAsync([0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, 0xFC, 0x03]);
        Assert.True(await silent.WaitForCloseAsync(TimeSpan.FromSeconds(10)), "a silent client must be closed after handshake-timeout (1 s)");
        Assert.True(await truncated.WaitForCloseAsync(TimeSpan.FromSeconds(10)), "a truncated ClientHello must be closed after handshake-timeout");
        await AssertStillServingAsync();
    }

    [Fact]
    public async Task Refuses_a_tls_1_0_client_hello_with_an_alert_and_closes()
    {
        using var conn = await _server.ConnectAsync();
        await conn.SendAsync(TlsClient.Tls10ClientHello());
        Assert.True(await conn.WaitForCloseAsync(TimeSpan.FromSeconds(10)), "a TLS 1.0 client must be closed");
        var reply = Encoding.Latin1.GetBytes(conn.Unconsumed);
        // Nothing but an alert record (content type 21) may come back: no ServerHello (22).
        Assert.True(reply.Length == 0 || reply[0] == 21, $"expected an alert or nothing, got {reply.Length} bytes starting 0x{(reply.Length > 0 ? reply[0] : 0):X2}");
        await AssertStillServingAsync();
    }

    [Fact]
    public async Task A_reloaded_certificate_serves_new_handshakes_while_open_connections_keep_theirs()
    {
        await using var before = await TlsClient.ConnectAsync(_server.Port, "localhost");
        Assert.Contains("Hello, world", await before.RequestAsync("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n"));

        // Renew the default certificate in place, as certbot would.
        var (renewed, renewedCert, renewedKey) = _certificates.Create("renewed", "localhost");
        File.Copy(renewedKey, Path.Combine(_certificates.Folder, "default.key"), overwrite: true);
        File.Copy(renewedCert, Path.Combine(_certificates.Folder, "default.pem"), overwrite: true);

        var deadline = DateTime.UtcNow.AddSeconds(20);
        string? seen = null;
        while (DateTime.UtcNow < deadline)
        {
            await using var probe = await TlsClient.ConnectAsync(_server.Port, "localhost");
            seen = probe.RemoteCertificate!.GetCertHashString();
            if (seen == renewed.GetCertHashString()) break;
            await Task.Delay(100);
        }
        Assert.Equal(renewed.GetCertHashString(), seen);
        // The connection made before the reload still works, on its old certificate.
        Assert.Equal(_default.GetCertHashString(), before.RemoteCertificate!.GetCertHashString());
        Assert.Contains("Hello, world", await before.RequestAsync("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n"));
    }

    private async Task AssertStillServingAsync()
    {
        await using var tls = await TlsClient.ConnectAsync(_server.Port, "localhost");
        Assert.Contains("Hello, world", await tls.RequestAsync("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n"));
    }
}
