using System.Text;
using Hub.Integration.Tests.Support;
using Hub.Integration.Tests.WebSockets.Conformance;

namespace Hub.Integration.Tests.WebSockets;

/// <summary>
/// The opening handshake (RFC 6455 §4.2): what makes an upgrade request acceptable, the 101 and its
/// Sec-WebSocket-Accept, the refusals (400, 426 with the supported version, 403 for a foreign Origin), subprotocol
/// selection, and that a refused handshake leaves the server serving.
/// </summary>
public sealed class HandshakeTests : IAsyncLifetime
{
    /// <summary>The key and accept value of RFC 6455 §1.3's worked example.</summary>
    private const string SampleKey = "dGhlIHNhbXBsZSBub25jZQ==";
    private const string SampleAccept = "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=";

    private TestServer _server = null!;

    /// <summary>Picks "chat" when offered, otherwise nothing.</summary>
    private sealed class ChatSocket : WebSocketHandler
    {
        public override string? SelectSubprotocol(IReadOnlyList<string> offered) => offered.Contains("chat") ? "chat" : null;

        public override Task OnMessageAsync(WsMessage m) => WriteMessageAsync(SelectedSubprotocol ?? "(none)");
    }

    /// <summary>Misbehaves: selects a subprotocol the client never offered.</summary>
    private sealed class RogueSocket : WebSocketHandler
    {
        public override string? SelectSubprotocol(IReadOnlyList<string> offered) => "unoffered";
    }

    /// <summary>Speaks first: a message from OpenAsync, right behind the 101.</summary>
    private sealed class GreeterSocket : WebSocketHandler
    {
        public override Task OpenAsync() => WriteMessageAsync("welcome");

        public override Task OnMessageAsync(WsMessage m) => WriteMessageAsync(m.Text);
    }

    private sealed class Hello : RequestHandler
    {
        public override Task GetAsync()
        {
            Write("Hello");
            return Task.CompletedTask;
        }
    }

    public async Task InitializeAsync() => _server = await StartAsync("");

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private static Task<TestServer> StartAsync(string hocon) => TestServer.StartAsync(r => r
        .Map<ConformanceEcho>("/echo")
        .Map<ChatSocket>("/chat")
        .Map<RogueSocket>("/rogue")
        .Map<GreeterSocket>("/greeter")
        .Map<Hello>("/"), hocon);

    /// <summary>An upgrade request; a null argument leaves that part out.</summary>
    private static string Upgrade(int port, string path = "/echo", string method = "GET", string httpVersion = "HTTP/1.1",
        string? key = SampleKey, string? version = "13", string? upgrade = "websocket", string? connection = "Upgrade",
        string extra = "")
    {
        var request = $"{method} {path} {httpVersion}\r\nHost: 127.0.0.1:{port}\r\n";
        if (upgrade is not null) request += $"Upgrade: {upgrade}\r\n";
        if (connection is not null) request += $"Connection: {connection}\r\n";
        if (key is not null) request += $"Sec-WebSocket-Key: {key}\r\n";
        if (version is not null) request += $"Sec-WebSocket-Version: {version}\r\n";
        if (method != "GET") request += "Content-Length: 0\r\n";
        return request + extra + "\r\n";
    }

    private static async Task<RawResponse> SendAsync(TestServer server, string request)
    {
        using var connection = await server.ConnectAsync();
        await connection.SendAsync(request);
        return await connection.ReadResponseAsync(TimeSpan.FromSeconds(10));
    }

    private Task<RawResponse> SendAsync(string request) => SendAsync(_server, request);

    private async Task AssertStillServesAsync()
    {
        var response = await _server.GetOnFreshConnectionAsync("/");
        Assert.Equal(200, (int)response.StatusCode);
        await using var ws = await RawWebSocketClient.ConnectAsync(_server);
        await ws.SendTextAsync("still upgrading");
        await ws.ExpectTextAsync("still upgrading");
        await ws.CloseNormallyAsync();
    }

    [Fact]
    public async Task Answers_101_with_the_accept_value_of_the_RFC_example()
    {
        var response = await SendAsync(Upgrade(_server.Port));
        Assert.Equal(101, response.Status);
        Assert.Equal("websocket", response.Header("Upgrade"), StringComparer.OrdinalIgnoreCase);
        Assert.Contains("upgrade", response.Header("Connection") ?? "", StringComparison.OrdinalIgnoreCase);
        Assert.Equal(SampleAccept, response.Header("Sec-WebSocket-Accept"));
        Assert.Null(response.Header("Sec-WebSocket-Protocol"));
        Assert.Null(response.Header("Sec-WebSocket-Extensions"));
    }

    [Fact]
    public async Task Upgrades_and_echoes_with_a_fresh_random_key()
    {
        await using var ws = await RawWebSocketClient.ConnectAsync(_server);
        await ws.SendTextAsync("hello");
        await ws.ExpectTextAsync("hello");
        await ws.CloseNormallyAsync();
    }

    [Fact]
    public async Task Decodes_frames_that_arrive_in_the_same_TCP_write_as_the_upgrade_request()
    {
        // A client may send frames right after its request, without waiting for the 101 (§4.1 only forbids sending
        // before the handshake succeeds in the sense that the server must not interpret them as HTTP).
        var frames = RawWebSocketClient.Frame(RawWebSocketClient.Op.Text, "eager")
            .Concat(RawWebSocketClient.Frame(RawWebSocketClient.Op.Ping, "eager ping")).ToArray();
        await using var ws = await RawWebSocketClient.ConnectAsync(_server, framesWithRequest: frames);
        // The pong may overtake the echo (it is answered as soon as the ping is read, RFC 6455 §5.5.2).
        var first = await ws.ReadFrameAsync();
        var second = await ws.ReadFrameAsync();
        var frames2 = new[] { first, second };
        Assert.Contains(frames2, f => f.Opcode == 0x1 && Encoding.UTF8.GetString(f.Payload) == "eager");
        Assert.Contains(frames2, f => f.Opcode == 0xA && Encoding.UTF8.GetString(f.Payload) == "eager ping");
        await ws.CloseNormallyAsync();
    }

    [Fact]
    public async Task Delivers_a_message_written_in_OpenAsync_right_after_the_101()
    {
        await using var ws = await RawWebSocketClient.ConnectAsync(_server, "/greeter");
        await ws.ExpectTextAsync("welcome");
        await ws.SendTextAsync("hi");
        await ws.ExpectTextAsync("hi");
        await ws.CloseNormallyAsync();
    }

    [Fact]
    public async Task Accepts_header_values_in_any_case_and_Connection_with_several_tokens()
    {
        // §4.2.1: Upgrade contains "websocket" and Connection contains "Upgrade", both ASCII case-insensitive;
        // Firefox sends "Connection: keep-alive, Upgrade".
        var response = await SendAsync(Upgrade(_server.Port, upgrade: "WebSocket", connection: "keep-alive, upgrade"));
        Assert.Equal(101, response.Status);
        Assert.Equal(SampleAccept, response.Header("Sec-WebSocket-Accept"));
    }

    [Fact]
    public async Task Refuses_an_HTTP_1_0_upgrade_with_400()
    {
        // §4.1: "The method of the request MUST be GET, and the HTTP version MUST be at least 1.1."
        var response = await SendAsync(Upgrade(_server.Port, httpVersion: "HTTP/1.0"));
        Assert.Equal(400, response.Status);
        await AssertStillServesAsync();
    }

    [Fact]
    public async Task Refuses_a_POST_upgrade_with_400()
    {
        var response = await SendAsync(Upgrade(_server.Port, method: "POST"));
        Assert.Equal(400, response.Status);
        await AssertStillServesAsync();
    }

    [Fact]
    public async Task Never_upgrades_a_HEAD_request()
    {
        // §4.1: the method MUST be GET. A HEAD routed to the GET handler must not switch protocols.
        using var connection = await _server.ConnectAsync();
        await connection.SendAsync(Upgrade(_server.Port, method: "HEAD").Replace("Content-Length: 0\r\n", ""));
        var response = await connection.ReadResponseAsync(TimeSpan.FromSeconds(10), headRequest: true);
        Assert.NotEqual(101, response.Status);
        Assert.True(response.Status >= 400, $"expected a refusal, got {response.StatusLine}");
        await AssertStillServesAsync();
    }

    [Fact]
    public async Task Answers_an_upgrade_request_to_a_plain_HTTP_route_as_plain_HTTP()
    {
        // The Upgrade header is a request the server may ignore (RFC 9110 §7.8); a plain handler just answers.
        var response = await SendAsync(Upgrade(_server.Port, path: "/"));
        Assert.Equal(200, response.Status);
        Assert.Equal("Hello", response.BodyText);
        Assert.Null(response.Header("Sec-WebSocket-Accept"));
    }

    [Fact]
    public async Task Answers_an_upgrade_request_to_an_unknown_path_with_404()
    {
        var response = await SendAsync(Upgrade(_server.Port, path: "/nowhere"));
        Assert.Equal(404, response.Status);
    }

    [Fact]
    public async Task Refuses_an_upgrade_without_a_key_with_400()
    {
        var response = await SendAsync(Upgrade(_server.Port, key: null));
        Assert.Equal(400, response.Status);
        await AssertStillServesAsync();
    }

    [Theory]
    [InlineData("")]
    [InlineData("not base64 at all!!!!!!!")]
    [InlineData("AAAAAAAAAAAAAAAAAAAA")]          // base64 of 15 bytes
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAA")]      // base64 of 18 bytes
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAA=")]      // base64 of 17 bytes
    [InlineData("dGhlIHNhbXBsZSBub25jZQ")]       // the sample key without its padding
    public async Task Refuses_a_key_that_is_not_base64_of_16_bytes_with_400(string key)
    {
        // §4.1: the key is "a randomly selected 16-byte value that has been base64-encoded".
        var response = await SendAsync(Upgrade(_server.Port, key: key));
        Assert.Equal(400, response.Status);
    }

    [Fact]
    public async Task Refuses_two_keys_with_400()
    {
        var response = await SendAsync(Upgrade(_server.Port, extra: $"Sec-WebSocket-Key: {RawWebSocketClient.NewKey()}\r\n"));
        Assert.Equal(400, response.Status);
    }

    [Theory]
    [InlineData("8")]
    [InlineData("12")]
    [InlineData("14")]
    [InlineData("abc")]
    public async Task Refuses_a_version_other_than_13_with_426_naming_13(string version)
    {
        // §4.4: the server answers with an error such as 426 and the versions it understands.
        var response = await SendAsync(Upgrade(_server.Port, version: version));
        Assert.Equal(426, response.Status);
        Assert.Equal("13", response.Header("Sec-WebSocket-Version"));
        await AssertStillServesAsync();
    }

    [Fact]
    public async Task Refuses_an_upgrade_without_a_version_naming_13_if_it_answers_426()
    {
        // A missing version is a malformed handshake (§4.2.1, 400) or an unsupported version (§4.4, 426); either
        // is a refusal, and a 426 must say which version to use.
        var response = await SendAsync(Upgrade(_server.Port, version: null));
        Assert.Contains(response.Status, new[] { 400, 426 });
        if (response.Status == 426) Assert.Equal("13", response.Header("Sec-WebSocket-Version"));
    }

    [Fact]
    public async Task Refuses_a_plain_GET_to_a_WebSocket_route_with_400()
    {
        var response = await SendAsync($"GET /echo HTTP/1.1\r\nHost: 127.0.0.1:{_server.Port}\r\n\r\n");
        Assert.Equal(400, response.Status);
        await AssertStillServesAsync();
    }

    [Theory]
    [InlineData("h2c", "Upgrade")]
    [InlineData("websocket", "keep-alive")]
    [InlineData(null, "Upgrade")]
    [InlineData("websocket", null)]
    public async Task Refuses_an_upgrade_whose_Upgrade_or_Connection_header_is_wrong_with_400(string? upgrade, string? connection)
    {
        var response = await SendAsync(Upgrade(_server.Port, upgrade: upgrade, connection: connection));
        Assert.Equal(400, response.Status);
    }

    [Fact]
    public async Task Refuses_an_Origin_from_another_host_with_403_by_default()
    {
        // Tornado's same-host policy: a browser page from elsewhere may not open a socket here.
        var response = await SendAsync(Upgrade(_server.Port, extra: "Origin: http://evil.example\r\n"));
        Assert.Equal(403, response.Status);
        await AssertStillServesAsync();
    }

    [Fact]
    public async Task Accepts_an_Origin_naming_the_same_host_by_default()
    {
        var response = await SendAsync(Upgrade(_server.Port, extra: $"Origin: http://127.0.0.1:{_server.Port}\r\n"));
        Assert.Equal(101, response.Status);
    }

    [Fact]
    public async Task Accepts_a_request_without_Origin_by_default()
    {
        // Non-browser clients send no Origin (§4.1 requires it of browsers only).
        var response = await SendAsync(Upgrade(_server.Port));
        Assert.Equal(101, response.Status);
    }

    [Fact]
    public async Task Accepts_any_Origin_when_check_origin_is_any()
    {
        await using var server = await StartAsync("hub.websocket.check-origin = any");
        var response = await SendAsync(server, Upgrade(server.Port, extra: "Origin: http://evil.example\r\n"));
        Assert.Equal(101, response.Status);
    }

    [Fact]
    public async Task Accepts_only_listed_Origins_when_check_origin_is_list()
    {
        await using var server = await StartAsync("""
            hub.websocket { check-origin = list, allowed-origins = ["https://chat.example.com"] }
            """);
        var listed = await SendAsync(server, Upgrade(server.Port, extra: "Origin: https://chat.example.com\r\n"));
        Assert.Equal(101, listed.Status);
        var other = await SendAsync(server, Upgrade(server.Port, extra: "Origin: https://evil.example\r\n"));
        Assert.Equal(403, other.Status);
        var sameHost = await SendAsync(server, Upgrade(server.Port, extra: $"Origin: http://127.0.0.1:{server.Port}\r\n"));
        Assert.Equal(403, sameHost.Status);
    }

    [Fact]
    public async Task Echoes_the_subprotocol_the_handler_selects()
    {
        await using var ws = await RawWebSocketClient.ConnectAsync(_server, "/chat", "Sec-WebSocket-Protocol: superchat, chat\r\n");
        Assert.Equal("chat", ws.Handshake.Header("Sec-WebSocket-Protocol"));
        await ws.SendTextAsync("which?");
        await ws.ExpectTextAsync("chat");
        await ws.CloseNormallyAsync();
    }

    [Fact]
    public async Task Sends_no_subprotocol_when_the_handler_selects_none()
    {
        await using var ws = await RawWebSocketClient.ConnectAsync(_server, "/chat", "Sec-WebSocket-Protocol: superchat, v2.chat\r\n");
        Assert.Null(ws.Handshake.Header("Sec-WebSocket-Protocol"));
        await ws.SendTextAsync("which?");
        await ws.ExpectTextAsync("(none)");
        await ws.CloseNormallyAsync();
    }

    [Fact]
    public async Task Never_selects_a_subprotocol_the_client_did_not_offer()
    {
        // §4.2.2: the server's choice must be one of the client's values; a handler picking anything else is a
        // server bug that must not reach the wire.
        var offered = await SendAsync(Upgrade(_server.Port, path: "/rogue", extra: "Sec-WebSocket-Protocol: chat\r\n"));
        Assert.DoesNotContain("unoffered", offered.HeaderValues("Sec-WebSocket-Protocol"));
        var none = await SendAsync(Upgrade(_server.Port, path: "/rogue"));
        Assert.DoesNotContain("unoffered", none.HeaderValues("Sec-WebSocket-Protocol"));
        await AssertStillServesAsync();
    }

    [Fact]
    public async Task Ignores_offered_extensions_it_does_not_support()
    {
        var response = await SendAsync(Upgrade(_server.Port,
            extra: "Sec-WebSocket-Extensions: x-unknown-extension; foo=bar, x-webkit-deflate-frame\r\n"));
        Assert.Equal(101, response.Status);
        Assert.Null(response.Header("Sec-WebSocket-Extensions"));
    }

    [Fact]
    public async Task Keeps_serving_after_a_run_of_refused_handshakes()
    {
        for (var i = 0; i < 20; i++)
        {
            var response = await SendAsync(Upgrade(_server.Port, version: "7"));
            Assert.Equal(426, response.Status);
        }
        await AssertStillServesAsync();
    }
}
