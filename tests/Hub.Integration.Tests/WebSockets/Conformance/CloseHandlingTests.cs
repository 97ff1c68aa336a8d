using Hub.Integration.Tests.Support;
using static Hub.Integration.Tests.WebSockets.Conformance.RawWebSocketClient;

namespace Hub.Integration.Tests.WebSockets.Conformance;

/// <summary>
/// Section 7, close handling (RFC 6455 §5.5.1, §7): the closing handshake from either side, what the Close payload
/// may hold (nothing, or a 2-byte code that may be sent plus a UTF-8 reason, at most 125 bytes in all), that nothing
/// is processed or sent after a Close, and that the server closes TCP — at once when both Closes have been
/// exchanged (§7.1.1: "the server MUST close the underlying TCP connection immediately"), or after close-timeout
/// when the peer never answers.
/// </summary>
public sealed class CloseHandlingTests(CloseHandlingTests.Server fixture) : IClassFixture<CloseHandlingTests.Server>
{
    /// <summary>
    /// Echoes, except that "close CODE REASON" makes the server start the closing handshake, and
    /// "close-then-send CODE" also tries to send a message after its Close.
    /// </summary>
    public sealed class Closer : WebSocketHandler
    {
        public override async Task OnMessageAsync(WsMessage m)
        {
            var words = m.IsText ? m.Text.Split(' ', 3) : [];
            switch (words)
            {
                case ["close", var code, .. var rest]:
                    Close(ushort.Parse(code), rest.Length > 0 ? rest[0] : null);
                    return;
                case ["close-then-send", var code]:
                    Close(ushort.Parse(code));
                    try { await WriteMessageAsync("sent after Close"); }
                    catch (ConnectionClosedException) { }
                    return;
                default:
                    await (m.IsText ? WriteMessageAsync(m.Text) : WriteMessageAsync(m.Data));
                    return;
            }
        }
    }

    /// <summary>Echoes, and reports how the socket ended (WebSocketHandler.CloseCode/CloseReason) to the test.</summary>
    public sealed class Recorder(TaskCompletionSource<(int? Code, string? Reason)> closed) : WebSocketHandler
    {
        public override Task OnMessageAsync(WsMessage m) => m.IsText ? WriteMessageAsync(m.Text) : WriteMessageAsync(m.Data);

        public override void OnClose() => closed.TrySetResult((CloseCode, CloseReason));
    }

    public sealed class Server : ConformanceServer
    {
        protected override void Routes(RouteBuilder routes) => routes.Map<ConformanceEcho>("/echo").Map<Closer>("/closer");
    }

    /// <summary>Codes a peer may send (§7.4.1, §7.4.2 and the IANA registry): echoed back.</summary>
    public static TheoryData<ushort> ValidCodes => new()
    {
        1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014, 3000, 3999, 4000, 4999,
    };

    /// <summary>Codes no peer may send: below 1000 (unused), 1004 (reserved), 1005/1006/1015 (never on the wire),
    /// unassigned protocol codes up to 2999, and above 4999.</summary>
    public static TheoryData<ushort> InvalidCodes => new()
    {
        0, 1, 999, 1004, 1005, 1006, 1015, 1016, 1100, 2000, 2999, 5000, 10000, 65535,
    };

    [Fact]
    public async Task Completes_a_closing_handshake_started_by_the_client()
    {
        await using var ws = await fixture.ConnectAsync();
        await ws.SendTextAsync("hello");
        await ws.ExpectTextAsync("hello");
        await ws.SendCloseAsync(1000);
        await ws.ExpectCloseAsync(1000);
        await ws.ExpectTcpClosedAsync();
    }

    [Fact]
    public async Task Answers_only_the_first_of_two_closes()
    {
        await using var ws = await fixture.ConnectAsync();
        await ws.SendRawAsync(Frame(Op.Close, ClosePayload(1000)).Concat(Frame(Op.Close, ClosePayload(1001))).ToArray());
        await ws.ExpectCloseAsync(1000);
        await ws.ExpectTcpClosedAsync();
    }

    [Fact]
    public async Task Does_not_answer_a_ping_sent_after_the_close()
    {
        // §1.4/§5.5.1: after the Close, the peer sends no more data, and what it does send is not processed.
        await using var ws = await fixture.ConnectAsync();
        await ws.SendRawAsync(Frame(Op.Close, ClosePayload(1000)).Concat(Frame(Op.Ping, "too late")).ToArray());
        await ws.ExpectCloseAsync(1000);
        await ws.ExpectTcpClosedAsync();
    }

    [Fact]
    public async Task Does_not_echo_a_message_sent_after_the_close()
    {
        await using var ws = await fixture.ConnectAsync();
        await ws.SendRawAsync(Frame(Op.Close, ClosePayload(1000)).Concat(Frame(Op.Text, "too late")).ToArray());
        await ws.ExpectCloseAsync(1000);
        await ws.ExpectTcpClosedAsync();
    }

    [Fact]
    public async Task Does_not_deliver_a_fragmented_message_finished_after_the_close()
    {
        await using var ws = await fixture.ConnectAsync();
        await ws.SendTextAsync("fragment1", fin: false);
        await ws.SendCloseAsync(1000);
        await ws.SendContinuationAsync("fragment2", fin: true);
        await ws.ExpectCloseAsync(1000);
        await ws.ExpectTcpClosedAsync();
    }

    [Fact]
    public async Task Closes_after_a_large_message_followed_by_a_close_either_echoed_whole_or_dropped()
    {
        // The message precedes the Close, but the echo is produced later by the handler; once the server has sent
        // its Close it may send no more data (§5.5.1), so the echo may be dropped — never cut short.
        await using var ws = await fixture.ConnectAsync();
        var data = Payloads.Binary(256 * 1024);
        await ws.SendRawAsync(Frame(Op.Binary, data).Concat(Frame(Op.Close, ClosePayload(1000))).ToArray());
        var frame = await ws.ReadFrameAsync();
        if (frame.Opcode == Op.Binary)
        {
            Assert.True(frame.Fin && data.AsSpan().SequenceEqual(frame.Payload), "the echo was not the whole message");
            frame = await ws.ReadFrameAsync();
        }
        Assert.Equal(Op.Close, frame.Opcode);
        Assert.Equal(ClosePayload(1000), frame.Payload);
        await ws.ExpectTcpClosedAsync();
    }

    /// <summary>
    /// Decision for an empty Close: §5.5.1 says the reply "typically echos the status code it received"; none was
    /// received, so the faithful echo is an empty Close. Answering 1000 would claim a status the peer never sent,
    /// and 1005 ("no status received") must never appear on the wire (§7.4.1).
    /// </summary>
    [Fact]
    public async Task Answers_an_empty_close_with_an_empty_close()
    {
        await using var ws = await fixture.ConnectAsync();
        await ws.SendEmptyCloseAsync();
        await ws.ExpectEmptyCloseAsync();
        await ws.ExpectTcpClosedAsync();
    }

    [Fact]
    public async Task Fails_a_close_with_a_one_byte_payload_with_1002()
    {
        // §5.5.1: if there is a body, its first two bytes are the status code; one byte cannot be one.
        await using var ws = await fixture.ConnectAsync();
        await ws.SendFrameAsync(Op.Close, [0x03]);
        await ws.ExpectFailureAsync(1002);
    }

    [Fact]
    public async Task Echoes_a_close_code_without_a_reason()
    {
        await using var ws = await fixture.ConnectAsync();
        await ws.SendFrameAsync(Op.Close, ClosePayload(1000));
        await ws.ExpectCloseAsync(1000);
        await ws.ExpectTcpClosedAsync();
    }

    [Fact]
    public async Task Echoes_a_close_code_with_a_UTF8_reason()
    {
        await using var ws = await fixture.ConnectAsync();
        await ws.SendCloseAsync(1000, "Hello κόσμε 😀");
        await ws.ExpectCloseAsync(1000);
        await ws.ExpectTcpClosedAsync();
    }

    [Fact]
    public async Task Echoes_a_close_with_the_longest_reason_that_fits()
    {
        await using var ws = await fixture.ConnectAsync();
        await ws.SendCloseAsync(1000, Payloads.Text(123)); // 2 + 123 = 125 bytes
        await ws.ExpectCloseAsync(1000);
        await ws.ExpectTcpClosedAsync();
    }

    [Fact]
    public async Task Fails_a_close_whose_reason_makes_it_longer_than_125_bytes_with_1002()
    {
        await using var ws = await fixture.ConnectAsync();
        await ws.SendCloseAsync(1000, Payloads.Text(124)); // 126 bytes: too long for a control frame (§5.5)
        await ws.ExpectFailureAsync(1002);
    }

    [Theory]
    [InlineData("CE BA E1 BD B9 CF 83 CE BC CE B5 ED A0 80 65 64 69 74 65 64")] // a surrogate after κόσμε
    [InlineData("C0 AF")]
    [InlineData("FF")]
    [InlineData("F4 90 80 80")]
    [InlineData("68 69 E2 82")] // "hi" and a cut-off sequence
    public async Task Fails_a_close_reason_that_is_not_UTF8_with_1007(string reasonHex)
    {
        // §5.5.1: the reason is UTF-8; §8.1 makes invalid UTF-8 a failure with 1007.
        await using var ws = await fixture.ConnectAsync();
        await ws.SendFrameAsync(Op.Close, ClosePayload(1000, Payloads.Hex(reasonHex)));
        await ws.ExpectFailureAsync(1007);
    }

    [Theory]
    [MemberData(nameof(ValidCodes))]
    public async Task Echoes_a_valid_close_code(ushort code)
    {
        await using var ws = await fixture.ConnectAsync();
        await ws.SendCloseAsync(code, "reason");
        await ws.ExpectCloseAsync(code);
        await ws.ExpectTcpClosedAsync();
    }

    [Theory]
    [MemberData(nameof(InvalidCodes))]
    public async Task Fails_a_close_code_that_may_not_be_sent_with_1002(ushort code)
    {
        await using var ws = await fixture.ConnectAsync();
        await ws.SendCloseAsync(code);
        await ws.ExpectFailureAsync(1002);
    }

    [Fact]
    public async Task Starts_the_closing_handshake_with_the_handlers_code_and_reason()
    {
        await using var ws = await fixture.ConnectAsync("/closer");
        await ws.SendTextAsync("close 4001 see you");
        Assert.Equal("see you", await ws.ExpectCloseAsync(4001));
        await ws.SendCloseAsync(4001);
        await ws.ExpectTcpClosedAsync();
    }

    [Theory]
    [InlineData("é", 100)]   // 200 bytes of 2-byte characters
    [InlineData("€", 60)]    // 180 bytes of 3-byte characters
    [InlineData("😀", 40)]   // 160 bytes of surrogate pairs, 4 bytes each
    public async Task Cuts_a_long_close_reason_to_fit_125_bytes_without_splitting_a_character(string character, int count)
    {
        // §5.5: a control frame carries at most 125 bytes; §5.5.1: the reason is UTF-8 (ReadCloseAsync checks both).
        await using var ws = await fixture.ConnectAsync("/closer");
        var reason = string.Concat(Enumerable.Repeat(character, count));
        await ws.SendTextAsync($"close 4000 {reason}");
        var sent = await ws.ExpectCloseAsync(4000);
        Assert.StartsWith(sent, reason, StringComparison.Ordinal);
        Assert.True(System.Text.Encoding.UTF8.GetByteCount(sent) > 119, $"the reason was cut to {sent.Length} chars, more than needed");
        await ws.SendCloseAsync(4000);
        await ws.ExpectTcpClosedAsync();
    }

    [Fact]
    public async Task Sends_nothing_after_its_own_close()
    {
        await using var ws = await fixture.ConnectAsync("/closer");
        await ws.SendTextAsync("close-then-send 1000");
        await ws.ExpectCloseAsync(1000);
        await ws.SendCloseAsync(1000);
        await ws.ExpectTcpClosedAsync();
    }

    [Fact]
    public async Task Drops_messages_that_arrive_after_its_own_close_but_completes_the_handshake()
    {
        // §1.4: after sending its Close the server discards further data; the peer's Close still ends it.
        await using var ws = await fixture.ConnectAsync("/closer");
        await ws.SendTextAsync("close 1001");
        await ws.ExpectCloseAsync(1001);
        await ws.SendTextAsync("crossing the Close");
        await ws.SendCloseAsync(1001);
        await ws.ExpectTcpClosedAsync();
    }

    [Fact]
    public async Task Closes_TCP_after_close_timeout_when_the_client_never_answers_its_close()
    {
        // close-timeout 1 s; the bound is generous. The client reads on but never sends its Close.
        await using var server = await TestServer.StartAsync(r => r.Map<Closer>("/closer"), "hub.websocket.close-timeout = 1s");
        await using var ws = await RawWebSocketClient.ConnectAsync(server, "/closer");
        await ws.SendTextAsync("close 1000");
        await ws.ExpectCloseAsync(1000);
        await ws.ExpectTcpClosedAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Closes_TCP_after_close_timeout_when_the_client_never_answers_a_failure()
    {
        await using var server = await TestServer.StartAsync(r => r.Map<ConformanceEcho>("/echo"), "hub.websocket.close-timeout = 1s");
        await using var ws = await RawWebSocketClient.ConnectAsync(server);
        await ws.SendFrameAsync(0x3, []);
        await ws.ExpectCloseAsync(1002);
        await ws.ExpectTcpClosedAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Closes_TCP_at_once_when_the_client_answers_the_servers_close()
    {
        // A 30 s close-timeout: closing within 5 s proves the server acted on our Close, not on its timer.
        await using var server = await TestServer.StartAsync(r => r.Map<Closer>("/closer"), "hub.websocket.close-timeout = 30s");
        await using var ws = await RawWebSocketClient.ConnectAsync(server, "/closer");
        await ws.SendTextAsync("close 1000");
        await ws.ExpectCloseAsync(1000);
        await ws.SendCloseAsync(1000);
        await ws.ExpectTcpClosedAsync(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task Closes_TCP_at_once_after_a_client_started_closing_handshake()
    {
        await using var server = await TestServer.StartAsync(r => r.Map<ConformanceEcho>("/echo"), "hub.websocket.close-timeout = 30s");
        await using var ws = await RawWebSocketClient.ConnectAsync(server);
        await ws.SendCloseAsync(1000);
        await ws.ExpectCloseAsync(1000);
        await ws.ExpectTcpClosedAsync(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task Closes_TCP_at_once_when_the_client_answers_a_failure()
    {
        // §7.1.7: failing is Close-with-code then closing TCP; the peer's Close reply must not be left waiting for
        // the close-timeout.
        await using var server = await TestServer.StartAsync(r => r.Map<ConformanceEcho>("/echo"), "hub.websocket.close-timeout = 30s");
        await using var ws = await RawWebSocketClient.ConnectAsync(server);
        await ws.SendFrameAsync(0x3, []);
        await ws.ExpectCloseAsync(1002);
        await ws.TrySendCloseAsync(1002);
        await ws.ExpectTcpClosedAsync(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task Answers_a_close_within_close_timeout_while_the_handler_is_still_busy_with_an_earlier_message()
    {
        // §5.5.1: the endpoint "MUST send a Close frame in response"; replies to earlier messages go first, but a
        // handler that never finishes delays the reply by close-timeout at most.
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await TestServer.StartAsync(r => r.Map("/slow", () => new SlowEcho(gate)), "hub.websocket.close-timeout = 500ms");
        await using var ws = await RawWebSocketClient.ConnectAsync(server, "/slow");
        try
        {
            await ws.SendTextAsync("slow");
            await ws.SendCloseAsync(1000);
            var frame = await ws.ReadFrameAsync(TimeSpan.FromSeconds(5));
            Assert.True(frame.Opcode == Op.Close, $"expected the Close reply while the handler is stuck, got {frame}");
        }
        finally
        {
            gate.TrySetResult();
        }
        await ws.ExpectTcpClosedAsync();
    }

    /// <summary>Replies only after an await, as a handler that looks something up would.</summary>
    public sealed class AwaitingEcho : WebSocketHandler
    {
        public override async Task OnMessageAsync(WsMessage m)
        {
            await Task.Delay(1);
            await WriteMessageAsync(m.Text);
        }
    }

    [Fact]
    public async Task Sends_the_reply_to_a_message_before_the_close_reply_when_both_arrive_in_one_write()
    {
        // Autobahn 7.1.1 with the two frames in one TCP write: the echo, then the Close, then TCP closes. The order
        // is decided by the server's internals, not by the client's timing, so it is tried many times.
        await using var server = await TestServer.StartAsync(r => r.Map<AwaitingEcho>("/awaiting"), "hub.websocket.close-timeout = 5s");
        var messageThenClose = Frame(Op.Text, "hello").Concat(Frame(Op.Close, ClosePayload(1000))).ToArray();
        for (var i = 0; i < 1000; i++)
        {
            await using var ws = await RawWebSocketClient.ConnectAsync(server, "/awaiting");
            await ws.SendRawAsync(messageThenClose);
            var first = await ws.ReadFrameAsync();
            Assert.True(first.Opcode == Op.Text, $"try {i}: expected the echo before the Close reply, got {first}");
            Assert.Equal("hello", System.Text.Encoding.UTF8.GetString(first.Payload));
            await ws.ExpectCloseAsync(1000);
            await ws.ExpectTcpClosedAsync();
        }
    }

    /// <summary>A server with one <see cref="Recorder"/> route whose OnClose result the test awaits.</summary>
    private static async Task<(TestServer Server, Task<(int? Code, string? Reason)> Closed)> StartRecorderAsync()
    {
        var closed = new TaskCompletionSource<(int? Code, string? Reason)>(TaskCreationOptions.RunContinuationsAsynchronously);
        var server = await TestServer.StartAsync(r => r.Map("/recorder", () => new Recorder(closed)), ConformanceServer.DefaultHocon);
        return (server, closed.Task.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task Tells_the_handler_the_code_and_reason_of_the_clients_close()
    {
        var (server, closed) = await StartRecorderAsync();
        await using var _ = server;
        await using var ws = await RawWebSocketClient.ConnectAsync(server, "/recorder");
        await ws.SendCloseAsync(4321, "gone fishing");
        await ws.ExpectCloseAsync(4321);
        Assert.Equal((4321, "gone fishing"), await closed);
    }

    [Fact]
    public async Task Tells_the_handler_1005_for_a_close_without_a_code()
    {
        // §7.1.5: "If this Close control frame contains no status code, _The WebSocket Connection Close Code_ is
        // considered to be 1005."
        var (server, closed) = await StartRecorderAsync();
        await using var _ = server;
        await using var ws = await RawWebSocketClient.ConnectAsync(server, "/recorder");
        await ws.SendEmptyCloseAsync();
        await ws.ExpectEmptyCloseAsync();
        Assert.Equal(1005, (await closed).Code);
    }

    [Fact]
    public async Task Tells_the_handler_1006_when_TCP_ends_in_the_middle_of_a_frame()
    {
        // §7.1.5: a connection closed without a Close frame has close code 1006. The server survives it.
        var (server, closed) = await StartRecorderAsync();
        await using var _ = server;
        var ws = await RawWebSocketClient.ConnectAsync(server, "/recorder");
        await ws.SendRawAsync(Frame(Op.Text, "cut off")[..5]);
        await ws.DisposeAsync();
        Assert.Equal(1006, (await closed).Code);
        await using var next = await RawWebSocketClient.ConnectAsync(server, "/recorder");
        await next.SendTextAsync("next one");
        await next.ExpectTextAsync("next one");
    }

    [Fact]
    public async Task Tells_the_handler_the_code_it_failed_the_connection_with()
    {
        var (server, closed) = await StartRecorderAsync();
        await using var _ = server;
        await using var ws = await RawWebSocketClient.ConnectAsync(server, "/recorder");
        await ws.SendFrameAsync(Op.Text, Payloads.Hex("C0 AF"));
        await ws.ExpectFailureAsync(1007);
        Assert.Equal(1007, (await closed).Code);
    }

    [Fact]
    public async Task Keeps_serving_other_connections_while_one_is_failed()
    {
        await using var bystander = await fixture.ConnectAsync();
        await using var ws = await fixture.ConnectAsync();
        await ws.SendFrameAsync(Op.Text, Payloads.Hex("FF"));
        await ws.ExpectFailureAsync(1007);
        await bystander.SendTextAsync("unaffected");
        await bystander.ExpectTextAsync("unaffected");
        await bystander.CloseNormallyAsync();
    }
}
