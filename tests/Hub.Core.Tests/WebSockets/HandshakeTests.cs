using Hub.Http;
using Hub.Http.Codec;
using Hub.WebSockets;

namespace Hub.Core.Tests.WebSockets;

public sealed class HandshakeTests
{
    private static RequestHead Head(string method = "GET", Hub.Http.HttpVersion version = Hub.Http.HttpVersion.Http11,
        params (string, string)[] headers)
    {
        var h = new HttpHeaders();
        foreach (var (n, v) in headers) h.Add(n, v);
        return new RequestHead
        {
            Method = method, Target = "/ws", RawPath = "/ws", RawQuery = "", Version = version, Headers = h, Host = "t",
            Framing = BodyFraming.None, ContentLength = 0, KeepAlive = true, ExpectContinue = false, IsUpgrade = true,
        };
    }

    private static readonly (string, string)[] Good =
    [
        ("Host", "t"), ("Upgrade", "websocket"), ("Connection", "keep-alive, Upgrade"),
        ("Sec-WebSocket-Version", "13"), ("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ=="),
    ];

    [Fact]
    public void Computes_the_accept_value_of_the_RFC_example() =>
        Assert.Equal("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=", Handshake.AcceptFor("dGhlIHNhbXBsZSBub25jZQ=="));

    [Fact]
    public void Accepts_a_valid_upgrade() => Assert.Null(Handshake.Validate(Head(headers: Good)));

    [Fact]
    public void Refuses_non_GET_and_HTTP10_with_400()
    {
        Assert.Equal(400, Handshake.Validate(Head("POST", headers: Good))!.Value.Status);
        Assert.Equal(400, Handshake.Validate(Head(version: Hub.Http.HttpVersion.Http10, headers: Good))!.Value.Status);
    }

    [Theory]
    [InlineData("8")]
    [InlineData("14")]
    [InlineData("")]
    public void Refuses_other_versions_with_426(string version)
    {
        var headers = Good.Select(h => h.Item1 == "Sec-WebSocket-Version" ? (h.Item1, version) : h).ToArray();
        Assert.Equal(426, Handshake.Validate(Head(headers: headers))!.Value.Status);
    }

    [Theory]
    [InlineData("short")]
    [InlineData("dGhlIHNhbXBsZSBub25jZQ")]          // not padded
    [InlineData("dGhlIHNhbXBsZSBub25jZWVl")]        // 18 bytes
    [InlineData("!!!!!!!!!!!!!!!!!!!!!!==")]
    public void Refuses_keys_that_are_not_base64_of_16_bytes(string key)
    {
        var headers = Good.Select(h => h.Item1 == "Sec-WebSocket-Key" ? (h.Item1, key) : h).ToArray();
        Assert.Equal(400, Handshake.Validate(Head(headers: headers))!.Value.Status);
    }

    [Fact]
    public void Refuses_a_missing_Upgrade_or_Connection_token()
    {
        Assert.Equal(400, Handshake.Validate(Head(headers: Good.Where(h => h.Item1 != "Upgrade").ToArray()))!.Value.Status);
        var noUpgradeToken = Good.Select(h => h.Item1 == "Connection" ? (h.Item1, "keep-alive") : h).ToArray();
        Assert.Equal(400, Handshake.Validate(Head(headers: noUpgradeToken))!.Value.Status);
    }

    [Fact]
    public void Lists_offered_subprotocols_in_order()
    {
        var h = new HttpHeaders();
        h.Add("Sec-WebSocket-Protocol", "chat, superchat");
        h.Add("Sec-WebSocket-Protocol", "v2.json");
        Assert.Equal(["chat", "superchat", "v2.json"], Handshake.OfferedSubprotocols(h));
    }
}
