using Akka.IO;
using Hub.Http.Codec;

namespace Hub.Http;

/// <summary>What the response encoder renders.</summary>
internal abstract class HttpOutbound : Server.ConnectionOutbound
{
    /// <summary>Status line and headers, optionally with the first (or whole) body.</summary>
    public sealed class Head(
        int status, string? reason, HttpHeaders headers, ResponseFraming framing, long contentLength,
        ConnectionMode connection, bool suppressBody, ByteString body, bool isLast) : HttpOutbound
    {
        public int Status { get; } = status;
        public string? Reason { get; } = reason;
        public HttpHeaders Headers { get; } = headers;
        public ResponseFraming Framing { get; } = framing;
        public long ContentLength { get; } = contentLength;
        public ConnectionMode Connection { get; } = connection;
        /// <summary>HEAD request: headers describe the body, which is not sent (RFC 9110 §9.3.2).</summary>
        public bool SuppressBody { get; } = suppressBody;
        public ByteString Body { get; } = body;
        /// <summary>The response is complete with this element.</summary>
        public bool IsLast { get; } = isLast;
    }

    /// <summary>More body for the response in progress.</summary>
    public sealed class Chunk(ByteString data, bool isLast) : HttpOutbound
    {
        public ByteString Data { get; } = data;
        public bool IsLast { get; } = isLast;
    }

    /// <summary>The interim 100 Continue.</summary>
    public sealed class Continue : HttpOutbound
    {
        public static readonly Continue Instance = new();
        private Continue() { }
    }

    /// <summary>Bytes written as they are (a protocol after an upgrade).</summary>
    public sealed class Raw(ByteString data) : HttpOutbound
    {
        public ByteString Data { get; } = data;
    }
}
