using System.Net;
using Hub.Handlers;
using Hub.Http;

namespace Hub.Core.Tests.Handlers;

public sealed class ForwardedHeadersTests
{
    private static readonly IPEndPoint Proxy = new(IPAddress.Parse("10.0.0.1"), 40000);
    private static readonly IPAddress[] TrustProxy = [IPAddress.Parse("10.0.0.1"), IPAddress.Parse("10.0.0.2")];

    [Fact]
    public void Trusted_proxy_X_Forwarded_For_gives_the_client_address()
    {
        Assert.Equal(("203.0.113.7", "http"), Resolve(Proxy, TrustProxy, ("X-Forwarded-For", "203.0.113.7")));
    }

    [Fact]
    public void Takes_the_right_most_untrusted_hop_so_a_client_cannot_prepend_a_fake()
    {
        Assert.Equal("203.0.113.7", Resolve(Proxy, TrustProxy, ("X-Forwarded-For", "1.1.1.1, 203.0.113.7, 10.0.0.2")).RemoteIp);
        Assert.Equal("203.0.113.7", Resolve(Proxy, TrustProxy, ("X-Forwarded-For", "1.1.1.1"), ("X-Forwarded-For", "203.0.113.7")).RemoteIp);
    }

    [Fact]
    public void X_Real_IP_is_used_when_there_is_no_X_Forwarded_For()
    {
        Assert.Equal("198.51.100.4", Resolve(Proxy, TrustProxy, ("X-Real-IP", " 198.51.100.4 ")).RemoteIp);
        Assert.Equal("2001:db8::1", Resolve(Proxy, TrustProxy, ("X-Real-IP", "2001:db8::1")).RemoteIp);
    }

    [Theory]
    [InlineData("https", "https")]
    [InlineData("HTTPS", "https")]
    [InlineData("http, https", "https")]
    [InlineData("gopher", "http")]
    public void X_Forwarded_Proto_from_a_trusted_proxy_sets_the_protocol(string header, string expected)
    {
        Assert.Equal(expected, Resolve(Proxy, TrustProxy, ("X-Forwarded-Proto", header)).Protocol);
    }

    [Fact]
    public void Claims_from_an_untrusted_peer_are_ignored()
    {
        var stranger = new IPEndPoint(IPAddress.Parse("192.0.2.9"), 1234);
        var headers = new[] { ("X-Forwarded-For", "203.0.113.7"), ("X-Real-IP", "203.0.113.8"), ("X-Forwarded-Proto", "https") };
        Assert.Equal(("192.0.2.9", "http"), Resolve(stranger, TrustProxy, headers));
        Assert.Equal(("10.0.0.1", "http"), Resolve(Proxy, [], headers));
    }

    [Fact]
    public void Garbage_in_the_headers_leaves_the_peer_address()
    {
        Assert.Equal("10.0.0.1", Resolve(Proxy, TrustProxy, ("X-Forwarded-For", "not-an-ip")).RemoteIp);
        Assert.Equal("10.0.0.1", Resolve(Proxy, TrustProxy, ("X-Real-IP", "nope")).RemoteIp);
    }

    [Fact]
    public void IPv4_mapped_peers_match_IPv4_trust_entries()
    {
        var mapped = new IPEndPoint(IPAddress.Parse("::ffff:10.0.0.1"), 1);
        Assert.Equal("203.0.113.7", Resolve(mapped, TrustProxy, ("X-Forwarded-For", "203.0.113.7")).RemoteIp);
        Assert.Equal("10.0.0.1", Resolve(mapped, [], ("X-Forwarded-For", "203.0.113.7")).RemoteIp);
    }

    private static (string RemoteIp, string Protocol) Resolve(IPEndPoint peer, IReadOnlyList<IPAddress> trusted, params (string, string)[] headers)
    {
        var h = new HttpHeaders();
        foreach (var (n, v) in headers) h.Add(n, v);
        return ForwardedHeaders.Resolve(h, peer, trusted);
    }
}
