namespace Hub.Http.Codec;

/// <summary>How a request body is delimited (RFC 9112 §6.3).</summary>
internal enum BodyFraming : byte
{
    None,
    ContentLength,
    Chunked,
}
