using System.Net;
using Hub.Http;
using Hub.Http.Codec;

namespace Hub.Core.Tests.Handlers;

/// <summary>Builds the request objects handler-side code reads, without a connection.</summary>
internal static class Requests
{
    public static HttpRequest Make(string method = "GET", string target = "/", params (string Name, string Value)[] headers)
    {
        var h = new HttpHeaders();
        foreach (var (name, value) in headers) h.Add(name, value);
        var q = target.IndexOf('?');
        var head = new RequestHead
        {
            Method = method, Target = target, RawPath = q < 0 ? target : target[..q], RawQuery = q < 0 ? "" : target[(q + 1)..],
            Version = Hub.Http.HttpVersion.Http11, Headers = h, Host = "example.test", Framing = BodyFraming.None,
            ContentLength = 0, KeepAlive = true, ExpectContinue = false, IsUpgrade = false,
        };
        return new HttpRequest(head, new IPEndPoint(IPAddress.Loopback, 5000), "127.0.0.1", "http");
    }
}
