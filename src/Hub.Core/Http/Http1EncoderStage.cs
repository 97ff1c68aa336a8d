using System.Text;
using Akka.IO;
using Akka.Streams;
using Akka.Streams.Stage;
using Hub.Buffers;
using Hub.Configuration;
using Hub.Http.Codec;

namespace Hub.Http;

/// <summary>
/// <see cref="HttpOutbound"/> → bytes. Renders each element into a pooled buffer and emits one exact-size copy, so a
/// response produced in one go (head + body) leaves as one ByteString and one Tcp.Write. Keeps the framing of the
/// response in progress so chunks are framed (or suppressed for HEAD) without the producer knowing.
/// </summary>
internal sealed class Http1EncoderStage : GraphStage<FlowShape<HttpOutbound, ByteString>>
{
    public Http1EncoderStage(HttpSettings settings)
    {
        ServerLine = settings.ServerHeader.Length == 0 ? [] : Encoding.ASCII.GetBytes($"Server: {settings.ServerHeader}\r\n");
        Shape = new FlowShape<HttpOutbound, ByteString>(In, Out);
    }

    internal byte[] ServerLine { get; }
    public Inlet<HttpOutbound> In { get; } = new("Http1Encoder.in");
    public Outlet<ByteString> Out { get; } = new("Http1Encoder.out");
    public override FlowShape<HttpOutbound, ByteString> Shape { get; }
    protected override Attributes InitialAttributes { get; } = Attributes.CreateName("Http1Encoder");

    protected override GraphStageLogic CreateLogic(Attributes inheritedAttributes) => new Logic(this);

    private sealed class Logic : InAndOutGraphStageLogic
    {
        private readonly Http1EncoderStage _stage;
        private ResponseFraming _framing;
        private bool _suppressBody;

        public Logic(Http1EncoderStage stage) : base(stage.Shape)
        {
            _stage = stage;
            SetHandler(stage.In, this);
            SetHandler(stage.Out, this);
        }

        public override void OnPush()
        {
            var element = Grab(_stage.In);
            var bytes = Render(element);
            if (bytes.IsEmpty) Pull(_stage.In);
            else Push(_stage.Out, bytes);
        }

        public override void OnPull() => Pull(_stage.In);

        private ByteString Render(HttpOutbound element)
        {
            using var w = new PooledBufferWriter(512);
            switch (element)
            {
                case HttpOutbound.Head head:
                    _framing = head.Framing;
                    _suppressBody = head.SuppressBody || head.Framing == ResponseFraming.NoBody;
                    Http1ResponseWriter.WriteHead(w, head.Status, head.Reason, head.Headers, head.Framing,
                        head.ContentLength, head.Connection, _stage.ServerLine);
                    WriteBody(w, head.Body, head.IsLast);
                    break;
                case HttpOutbound.Chunk chunk:
                    WriteBody(w, chunk.Data, chunk.IsLast);
                    break;
                case HttpOutbound.Continue:
                    Http1ResponseWriter.WriteContinue(w);
                    break;
                case HttpOutbound.Raw raw:
                    // Already framed by another protocol: pass through without a copy.
                    return raw.Data;
            }
            return w.ToByteString();
        }

        private void WriteBody(PooledBufferWriter w, ByteString body, bool isLast)
        {
            if (_suppressBody) return;
            if (_framing == ResponseFraming.Chunked)
            {
                if (!body.IsEmpty) WriteChunk(w, body);
                if (isLast) Http1ResponseWriter.WriteLastChunk(w);
            }
            else if (!body.IsEmpty)
            {
                var span = w.GetSpan(body.Count);
                body.CopyTo(ref span, 0, body.Count);
                w.Advance(body.Count);
            }
        }

        private static void WriteChunk(PooledBufferWriter w, ByteString body)
        {
            // chunk-size CRLF chunk-data CRLF, with the data copied straight from the ByteString's segments.
            Http1ResponseWriter.WriteChunkSize(w, body.Count);
            var span = w.GetSpan(body.Count);
            body.CopyTo(ref span, 0, body.Count);
            w.Advance(body.Count);
            Http1ResponseWriter.Write(w, "\r\n"u8);
        }
    }
}
