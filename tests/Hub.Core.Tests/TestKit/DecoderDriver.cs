using Akka.IO;
using Hub.Buffers;
using Hub.Configuration;
using Hub.Http.Codec;

namespace Hub.Core.Tests.TestKit;

/// <summary>
/// Feeds chunks to <see cref="Http1RequestReader"/> and <see cref="Http1BodyReader"/> exactly the way
/// Http1DecoderStage does (append to a <see cref="ReceiveBuffer"/>, drop leading empty lines and Reset, TryRead,
/// advance by consumed, then body slices until Done), but synchronously and with unlimited demand, so codec tests
/// exercise the real incremental path without an ActorSystem.
/// </summary>
internal sealed class DecoderDriver : IDisposable
{
    private readonly ReceiveBuffer _buffer = new();
    private readonly List<DecodedRequest> _requests = [];
    private Http1RequestReader _reader;
    private Http1BodyReader _body;
    private DecodedRequest? _current;

    public DecoderDriver(HttpSettings settings)
    {
        _reader = new Http1RequestReader(settings);
        _body = new Http1BodyReader(settings.MaxRequestBodySize, settings.BodyChunkSize, settings.MaxRequestHeadersTotalSize);
    }

    /// <summary>Requests whose head was read, in order; the last may still be waiting for body bytes.</summary>
    public IReadOnlyList<DecodedRequest> Requests => _requests;

    /// <summary>Set once the input was refused; nothing more is read after it, as in the stage.</summary>
    public RejectionReason? Rejection { get; private set; }

    /// <summary>Unparsed bytes left in the buffer.</summary>
    public int Buffered => _buffer.Length;

    /// <summary>Runs every chunk through a fresh driver.</summary>
    public static DecoderDriver Run(HttpSettings settings, IEnumerable<byte[]> chunks)
    {
        var driver = new DecoderDriver(settings);
        foreach (var chunk in chunks) driver.Feed(chunk);
        return driver;
    }

    public static DecoderDriver Run(HttpSettings settings, Chunks chunks) => Run(settings, chunks.Parts);

    public void Feed(byte[] chunk)
    {
        if (Rejection is not null) return;
        _buffer.Append(ByteString.CopyFrom(chunk));
        while (Rejection is null && (_current is null ? TryHead() : TryBody()))
        {
        }
    }

    // Mirrors Http1DecoderStage.EmitHead; true when a head was read and reading can go on.
    private bool TryHead()
    {
        var skip = Http1RequestReader.CountLeadingEmptyLines(_buffer.Unread);
        if (skip > 0)
        {
            _buffer.Advance(skip);
            _reader.Reset();
        }
        if (_buffer.IsEmpty) return false;

        switch (_reader.TryRead(_buffer.Unread, out var consumed, out var head, out var reason))
        {
            case ReadStatus.Done:
                Assert.True(consumed > 0, "a head was read from no bytes");
                _buffer.Advance(consumed);
                var request = new DecodedRequest(head!);
                _requests.Add(request);
                if (head!.HasBody)
                {
                    _body.Start(head.Framing, head.ContentLength);
                    _current = request;
                }
                else request.Complete = true;
                return true;
            case ReadStatus.Invalid:
                Rejection = reason;
                return false;
            default:
                Assert.Equal(0, consumed);
                return false;
        }
    }

    // Mirrors Http1DecoderStage.EmitBody; true when something was produced and reading can go on.
    private bool TryBody()
    {
        switch (_body.Read(_buffer.Unread, out var consumed, out var data, out var reason))
        {
            case BodyReadStatus.Data:
                var slice = _buffer.Unread[data];
                Assert.True(slice.Length > 0, "an empty body slice");
                _current!.AddSlice(slice);
                _buffer.Advance(consumed);
                return true;
            case BodyReadStatus.Done:
                _buffer.Advance(consumed);
                _current!.Complete = true;
                _current = null;
                return true;
            case BodyReadStatus.Invalid:
                Rejection = reason;
                return false;
            default:
                _buffer.Advance(consumed);
                return false;
        }
    }

    public void Dispose() => _buffer.Dispose();
}
