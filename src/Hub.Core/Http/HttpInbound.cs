using Akka.IO;
using Hub.Http.Codec;

namespace Hub.Http;

/// <summary>What the request decoder emits, one element per pull.</summary>
internal abstract class HttpInbound : Server.ConnectionInbound
{
    /// <summary>A request head. <see cref="BodyFollows"/> false means the request is complete (no End follows).</summary>
    public sealed class Head(RequestHead request) : HttpInbound
    {
        public RequestHead Request { get; } = request;
        public bool BodyFollows => Request.HasBody;
    }

    /// <summary>A slice of request body, at most body-chunk-size bytes.</summary>
    public sealed class BodyPart(ByteString data) : HttpInbound
    {
        public ByteString Data { get; } = data;
    }

    /// <summary>The body of the current request is complete.</summary>
    public sealed class End : HttpInbound
    {
        public static readonly End Instance = new();
        private End() { }
    }

    /// <summary>The input is not valid HTTP; the decoder stops after this element.</summary>
    public sealed class Rejected(RejectionReason reason) : HttpInbound
    {
        public RejectionReason Reason { get; } = reason;
        public int Status => HttpRejection.StatusOf(Reason);
    }

    /// <summary>Bytes after the connection switched protocols (101): no longer HTTP, passed on as they are.</summary>
    public sealed class Raw(ByteString data) : HttpInbound
    {
        public ByteString Data { get; } = data;
    }
}
