namespace Hub.Http;

/// <summary>The protocol versions Hub speaks. HTTP/1.x with x &gt; 1 is served as 1.1 (RFC 9110 §6.2).</summary>
public enum HttpVersion : byte
{
    Http10 = 10,
    Http11 = 11,
}
