namespace Hub.Http.Codec;

/// <summary>How a response body is delimited on the wire (RFC 9112 §6.3).</summary>
internal enum ResponseFraming : byte
{
    /// <summary>Content-Length: the whole body is known.</summary>
    ContentLength,
    /// <summary>Transfer-Encoding: chunked (HTTP/1.1 streaming).</summary>
    Chunked,
    /// <summary>No length; the end of the body is the end of the connection (HTTP/1.0 streaming).</summary>
    CloseDelimited,
    /// <summary>1xx, 204, 304: no body and no Content-Length.</summary>
    NoBody,
}
