namespace Hub.Http.Codec;

/// <summary>
/// A parsed request line and header section. Produced by <see cref="Http1RequestReader"/>; framing facts
/// (body length, keep-alive, 100-continue) are decided once here so later layers never re-read headers.
/// </summary>
internal sealed class RequestHead
{
    public required string Method { get; init; }
    /// <summary>The request-target exactly as sent (origin-form, absolute-form, authority-form or "*").</summary>
    public required string Target { get; init; }
    /// <summary>Path part of the target, still percent-encoded (absolute-form reduced to its path).</summary>
    public required string RawPath { get; init; }
    /// <summary>Query after '?', without it; empty when none.</summary>
    public required string RawQuery { get; init; }
    public required HttpVersion Version { get; init; }
    public required HttpHeaders Headers { get; init; }
    /// <summary>Host from an absolute-form target or the Host header (RFC 9112 §3.2.2).</summary>
    public required string Host { get; init; }
    public required BodyFraming Framing { get; init; }
    public required long ContentLength { get; init; }
    /// <summary>The connection may carry another request after this one (version default + Connection tokens).</summary>
    public required bool KeepAlive { get; init; }
    public required bool ExpectContinue { get; init; }
    /// <summary>The client asked to switch protocols (Connection: upgrade + Upgrade header).</summary>
    public required bool IsUpgrade { get; init; }

    public bool HasBody => Framing != BodyFraming.None;
}
