using System.Text;
using Hub.Integration.Tests.Support;
using Hub.Integration.Tests.WebSockets.Conformance;
using static Hub.Integration.Tests.WebSockets.Conformance.RawWebSocketClient;

namespace Hub.Integration.Tests.WebSockets;

/// <summary>
/// hub.limits.messages-per-second: a token bucket per WebSocket. Over it, the connection is closed with 1008 or the
/// message dropped with a notice, and other connections are served as usual.
/// </summary>
public sealed class MessageRateLimitTests
{
    private static byte[] Burst(int count) =>
        Enumerable.Range(0, count).SelectMany(i => Frame(Op.Text, $"m{i}")).ToArray();

    [Fact]
    public async Task Over_the_rate_the_connection_is_closed_with_1008_and_others_are_unaffected()
    {
        await using var server = await TestServer.StartAsync(r => r.Map<ConformanceEcho>("/echo"),
            "hub.limits { messages-per-second = 2, burst = 3 }\nhub.websocket.close-timeout = 1s");
        await using var flooder = await RawWebSocketClient.ConnectAsync(server);
        await using var bystander = await RawWebSocketClient.ConnectAsync(server);

        await flooder.SendRawAsync(Burst(20));
        var echoes = 0;
        while (true)
        {
            var frame = await flooder.ReadFrameAsync();
            if (frame.Opcode == Op.Close)
            {
                Assert.Equal(1008, (frame.Payload[0] << 8) | frame.Payload[1]);
                Assert.Equal("message rate exceeded", Encoding.UTF8.GetString(frame.Payload, 2, frame.Payload.Length - 2));
                break;
            }
            echoes++;
        }
        // Only what the bucket held can have been echoed (the Close may overtake some of those echoes).
        Assert.InRange(echoes, 0, 3);
        await flooder.TrySendCloseAsync(1008);
        await flooder.ExpectTcpClosedAsync();

        for (var i = 0; i < 3; i++)
        {
            await bystander.SendTextAsync($"still here {i}");
            await bystander.ExpectTextAsync($"still here {i}");
        }
        await bystander.CloseNormallyAsync();
    }

    [Fact]
    public async Task With_the_drop_policy_excess_messages_are_dropped_and_the_client_is_told()
    {
        await using var server = await TestServer.StartAsync(r => r.Map<ConformanceEcho>("/echo"),
            "hub.limits { messages-per-second = 0.5, burst = 2, message-rate-policy = drop }");
        await using var ws = await RawWebSocketClient.ConnectAsync(server);
        await ws.SendRawAsync(Burst(5));

        var texts = new List<string>();
        for (var i = 0; i < 3; i++) texts.Add(Encoding.UTF8.GetString((await ws.ReadFrameAsync()).Payload));
        // Two echoes (the burst) and one notice for the first drop; the later drops wait for the next notice.
        Assert.Equal(["m0", "m1"], texts.Where(t => !t.StartsWith('{')));
        Assert.Equal("{\"type\":\"rate-limited\",\"dropped\":1}", Assert.Single(texts, t => t.StartsWith('{')));

        // The connection stays open: once the bucket has refilled, a message is echoed again.
        await Task.Delay(TimeSpan.FromSeconds(2.2));
        await ws.SendTextAsync("after the pause");
        await ws.ExpectTextAsync("after the pause");
        await ws.CloseNormallyAsync();
    }
}
