using System.Net;
using Hub.Host.Dashboard;

namespace Hub.Integration.Tests.Host.DemoApp;

/// <summary>The dashboard's access decision, every branch, including clients a loopback test cannot be.</summary>
public sealed class DashboardAccessTests
{
    private static readonly DashboardSettings Off = DashboardSettings.Disabled;
    private static readonly DashboardSettings LoopbackOnly = new(true, "");
    private static readonly DashboardSettings WithToken = new(true, "s3cret-token");

    private static readonly IPAddress Remote = IPAddress.Parse("203.0.113.7");

    [Fact]
    public void Disabled_is_not_found_whatever_the_request_carries()
    {
        Assert.Equal(DashboardDecision.NotFound, DashboardAccess.Decide(Off, IPAddress.Loopback, false, null, null));
        Assert.Equal(DashboardDecision.NotFound, DashboardAccess.Decide(Off with { Token = "t" }, IPAddress.Loopback, false, "t", "Bearer t"));
    }

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("127.8.9.10")]
    [InlineData("::1")]
    [InlineData("::ffff:127.0.0.1")]
    public void Without_a_token_loopback_clients_are_allowed(string address) =>
        Assert.Equal(DashboardDecision.Allow, DashboardAccess.Decide(LoopbackOnly, IPAddress.Parse(address), false, null, null));

    [Theory]
    [InlineData("203.0.113.7")]
    [InlineData("10.0.0.5")]
    [InlineData("192.168.1.20")]
    [InlineData("2001:db8::1")]
    [InlineData("::ffff:10.0.0.5")]
    public void Without_a_token_other_clients_are_forbidden(string address) =>
        Assert.Equal(DashboardDecision.Forbidden, DashboardAccess.Decide(LoopbackOnly, IPAddress.Parse(address), false, null, null));

    [Fact]
    public void Without_a_token_a_request_relayed_by_a_local_proxy_is_forbidden() =>
        Assert.Equal(DashboardDecision.Forbidden, DashboardAccess.Decide(LoopbackOnly, IPAddress.Loopback, forwarded: true, null, null));

    [Fact]
    public void Without_a_token_an_unknown_peer_is_forbidden() =>
        Assert.Equal(DashboardDecision.Forbidden, DashboardAccess.Decide(LoopbackOnly, null, false, null, null));

    [Fact]
    public void Without_a_token_a_presented_token_grants_nothing() =>
        Assert.Equal(DashboardDecision.Forbidden, DashboardAccess.Decide(LoopbackOnly, Remote, false, "anything", "Bearer anything"));

    [Theory]
    [InlineData("s3cret-token", null)]
    [InlineData(null, "Bearer s3cret-token")]
    [InlineData(null, "bearer s3cret-token")]
    [InlineData(null, "  Bearer   s3cret-token  ")]
    public void With_a_token_the_right_one_is_allowed_from_anywhere(string? query, string? authorization) =>
        Assert.Equal(DashboardDecision.Allow, DashboardAccess.Decide(WithToken, Remote, true, query, authorization));

    [Theory]
    [InlineData(null, null)]
    [InlineData("", null)]
    [InlineData("s3cret-toke", null)]
    [InlineData("s3cret-token2", null)]
    [InlineData("S3CRET-TOKEN", null)]
    [InlineData(null, "Bearer")]
    [InlineData(null, "Bearer ")]
    [InlineData(null, "Basic s3cret-token")]
    [InlineData(null, "s3cret-token")]
    [InlineData(null, "Bearer wrong")]
    public void With_a_token_a_missing_or_wrong_one_is_unauthorized(string? query, string? authorization) =>
        Assert.Equal(DashboardDecision.Unauthorized, DashboardAccess.Decide(WithToken, IPAddress.Loopback, false, query, authorization));

    [Fact]
    public void With_a_token_loopback_alone_is_not_enough() =>
        Assert.Equal(DashboardDecision.Unauthorized, DashboardAccess.Decide(WithToken, IPAddress.Loopback, false, null, null));

    [Fact]
    public void A_query_token_takes_precedence_over_the_header() =>
        Assert.Equal(DashboardDecision.Unauthorized, DashboardAccess.Decide(WithToken, Remote, false, "wrong", "Bearer s3cret-token"));

    [Fact]
    public void Tokens_compare_by_content_only() =>
        Assert.True(DashboardAccess.TokensEqual(new string("abc".ToCharArray()), "abc") && !DashboardAccess.TokensEqual("abc", "abd"));
}
