using static Hub.Integration.Tests.WebSockets.Conformance.RawWebSocketClient;

namespace Hub.Integration.Tests.WebSockets.Conformance;

/// <summary>
/// Section 2, ping and pong (RFC 6455 §5.5.2, §5.5.3): a ping is answered by a pong carrying the same application
/// data; a pong nobody asked for is ignored; control frames carry at most 125 bytes.
/// </summary>
public sealed class PingPongTests(ConformanceServer fixture) : IClassFixture<ConformanceServer>
{
    [Fact]
    public async Task Answers_an_empty_ping_with_an_empty_pong()
    {
        await using var ws = await fixture.ConnectAsync();
        await ws.SendPingAsync();
        await ws.ExpectPongAsync();
        await ws.CloseNormallyAsync();
    }

    [Fact]
    public async Task Answers_a_ping_with_text_data_with_a_pong_carrying_the_same_data()
    {
        await using var ws = await fixture.ConnectAsync();
        await ws.SendPingAsync("Hello, pong");
        await ws.ExpectPongAsync("Hello, pong");
        await ws.CloseNormallyAsync();
    }

    [Fact]
    public async Task Answers_a_ping_with_binary_data_with_a_pong_carrying_the_same_bytes()
    {
        await using var ws = await fixture.ConnectAsync();
        var data = Payloads.Hex("00 FF FE FD FC FB 00 FF");
        await ws.SendPingAsync(data);
        await ws.ExpectPongAsync(data);
        await ws.CloseNormallyAsync();
    }

    [Fact]
    public async Task Answers_a_ping_with_the_maximum_125_bytes_of_data()
    {
        await using var ws = await fixture.ConnectAsync();
        var data = Payloads.Binary(125);
        await ws.SendPingAsync(data);
        await ws.ExpectPongAsync(data);
        await ws.CloseNormallyAsync();
    }

    [Fact]
    public async Task Answers_a_125_byte_ping_sent_one_byte_per_TCP_write()
    {
        await using var ws = await fixture.ConnectAsync();
        var data = Payloads.Binary(125);
        await ws.SendRawAsync(Frame(Op.Ping, data), writeSize: 1);
        await ws.ExpectPongAsync(data);
        await ws.CloseNormallyAsync();
    }

    [Fact]
    public async Task Fails_a_ping_with_126_bytes_of_data_with_1002()
    {
        // §5.5: "All control frames MUST have a payload length of 125 bytes or less".
        await using var ws = await fixture.ConnectAsync();
        await ws.SendPingAsync(Payloads.Binary(126));
        await ws.ExpectFailureAsync(1002);
    }

    [Fact]
    public async Task Fails_a_pong_with_126_bytes_of_data_with_1002()
    {
        await using var ws = await fixture.ConnectAsync();
        await ws.SendPongAsync(Payloads.Binary(126));
        await ws.ExpectFailureAsync(1002);
    }

    [Fact]
    public async Task Ignores_an_unsolicited_empty_pong()
    {
        // §5.5.3: "A Pong frame MAY be sent unsolicited ... A response to an unsolicited Pong frame is not expected."
        await using var ws = await fixture.ConnectAsync();
        await ws.SendPongAsync([]);
        await ws.SendTextAsync("still here");
        await ws.ExpectTextAsync("still here");
        await ws.CloseNormallyAsync();
    }

    [Fact]
    public async Task Ignores_an_unsolicited_pong_with_data()
    {
        await using var ws = await fixture.ConnectAsync();
        await ws.SendPongAsync(Payloads.Utf8("unsolicited"));
        await ws.SendTextAsync("still here");
        await ws.ExpectTextAsync("still here");
        await ws.CloseNormallyAsync();
    }

    [Fact]
    public async Task Answers_only_the_ping_after_an_unsolicited_pong()
    {
        await using var ws = await fixture.ConnectAsync();
        await ws.SendPongAsync(Payloads.Utf8("unsolicited"));
        await ws.SendPingAsync("solicited");
        await ws.ExpectPongAsync("solicited");
        await ws.CloseNormallyAsync();
    }

    [Fact]
    public async Task Answers_back_to_back_pings_at_least_up_to_the_last_one()
    {
        // §5.5.3 allows answering only the most recent of several pings; the last one must be answered.
        await using var ws = await fixture.ConnectAsync();
        var pings = Enumerable.Range(0, 10).Select(i => Payloads.Utf8($"payload-{i}")).ToList();
        await ws.SendRawAsync(pings.SelectMany(p => Frame(Op.Ping, p)).ToArray());
        await ws.ExpectPongsEndingWithAsync(pings);
        await ws.CloseNormallyAsync();
    }

    [Fact]
    public async Task Answers_back_to_back_pings_sent_one_byte_per_TCP_write()
    {
        await using var ws = await fixture.ConnectAsync();
        var pings = Enumerable.Range(0, 10).Select(i => Payloads.Utf8($"payload-{i}")).ToList();
        await ws.SendRawAsync(pings.SelectMany(p => Frame(Op.Ping, p)).ToArray(), writeSize: 1);
        await ws.ExpectPongsEndingWithAsync(pings);
        await ws.CloseNormallyAsync();
    }

    [Fact]
    public async Task Answers_a_ping_between_messages_in_order()
    {
        await using var ws = await fixture.ConnectAsync();
        await ws.SendTextAsync("before");
        await ws.ExpectTextAsync("before");
        await ws.SendPingAsync("between");
        await ws.ExpectPongAsync("between");
        await ws.SendTextAsync("after");
        await ws.ExpectTextAsync("after");
        await ws.CloseNormallyAsync();
    }
}
