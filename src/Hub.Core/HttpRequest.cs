using System.Net;
using Hub.Http;
using Hub.Http.Codec;

namespace Hub;

/// <summary>
/// One HTTP request as a handler sees it (Tornado's HTTPServerRequest). Query, form and cookie views are parsed
/// lazily, on first use. <see cref="Body"/> is the buffered body; handlers that stream the body see it empty.
/// </summary>
public sealed class HttpRequest
{
    private readonly RequestHead _head;
    private IReadOnlyDictionary<string, IReadOnlyList<string>>? _query;
    private IReadOnlyDictionary<string, IReadOnlyList<string>>? _form;
    private IReadOnlyDictionary<string, string>? _cookies;
    private string? _path;

    internal HttpRequest(RequestHead head, IPEndPoint? remote, string remoteIp, string protocol)
    {
        _head = head;
        RemoteEndPoint = remote;
        RemoteIp = remoteIp;
        Protocol = protocol;
    }

    internal RequestHead Head => _head;

    /// <summary>"GET", "POST", … exactly as sent (methods are case-sensitive).</summary>
    public string Method => _head.Method;

    /// <summary>The request-target as sent: path and query, still percent-encoded.</summary>
    public string Uri => _head.Target;

    /// <summary>The path, percent-decoded (UTF-8).</summary>
    public string Path => _path ??= UrlEncoding.DecodePath(_head.RawPath);

    /// <summary>The path as sent, still percent-encoded. Routes match against this.</summary>
    public string RawPath => _head.RawPath;

    /// <summary>The query string without '?', still encoded; empty when none.</summary>
    public string Query => _head.RawQuery;

    /// <summary>"HTTP/1.0" or "HTTP/1.1".</summary>
    public string Version => _head.Version == Http.HttpVersion.Http10 ? "HTTP/1.0" : "HTTP/1.1";

    public HttpHeaders Headers => _head.Headers;

    /// <summary>Host (and port) from the Host header or an absolute-form target.</summary>
    public string Host => _head.Host;

    /// <summary>Host without the port.</summary>
    public string HostName
    {
        get
        {
            var h = Host;
            if (h.StartsWith('[')) { var end = h.IndexOf(']'); return end > 0 ? h[..(end + 1)] : h; }
            var colon = h.LastIndexOf(':');
            return colon >= 0 ? h[..colon] : h;
        }
    }

    /// <summary>The client address; from X-Forwarded-For/X-Real-IP only when the peer is a trusted proxy.</summary>
    public string RemoteIp { get; }

    /// <summary>The TCP peer, whatever proxies claim.</summary>
    public IPEndPoint? RemoteEndPoint { get; }

    /// <summary>"http" or "https" (the latter only from X-Forwarded-Proto of a trusted proxy).</summary>
    public string Protocol { get; }

    /// <summary>The buffered request body.</summary>
    public ReadOnlyMemory<byte> Body { get; internal set; } = ReadOnlyMemory<byte>.Empty;

    /// <summary>Query arguments, decoded ('+' is a space), blank values kept.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> QueryArguments =>
        _query ??= UrlEncoding.ParseQuery(_head.RawQuery);

    /// <summary>application/x-www-form-urlencoded body arguments.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> BodyArguments => _form ??= ParseForm();

    /// <summary>Cookies sent with the request (RFC 6265 §5.4).</summary>
    public IReadOnlyDictionary<string, string> Cookies => _cookies ??= CookieParser.Parse(_head.Headers.GetAll(KnownHeaders.Cookie));

    /// <summary>scheme://host/path?query as the client addressed it.</summary>
    public string FullUrl() => $"{Protocol}://{Host}{_head.RawPath}{(_head.RawQuery.Length > 0 ? "?" + _head.RawQuery : "")}";

    private IReadOnlyDictionary<string, IReadOnlyList<string>> ParseForm()
    {
        var type = _head.Headers.Get(KnownHeaders.ContentType);
        if (type is null || Body.IsEmpty ||
            !type.AsSpan().TrimStart().StartsWith("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase))
            return UrlEncoding.Empty;
        return UrlEncoding.ParseQuery(System.Text.Encoding.UTF8.GetString(Body.Span));
    }
}
