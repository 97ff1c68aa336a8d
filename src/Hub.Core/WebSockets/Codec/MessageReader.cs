using System.Buffers.Binary;
using System.Text;
using Hub.Buffers;

namespace Hub.WebSockets.Codec;

/// <summary>What <see cref="MessageReader"/> produced from the bytes so far.</summary>
internal enum MessageReadStatus : byte
{
    NeedMoreData,
    /// <summary>A complete text or binary message is in <see cref="MessageReader.Payload"/>.</summary>
    Message,
    /// <summary>A ping; <see cref="MessageReader.Payload"/> holds its application data, to be echoed in a pong.</summary>
    Ping,
    /// <summary>A pong (unsolicited ones included); <see cref="MessageReader.Payload"/> holds its data.</summary>
    Pong,
    /// <summary>The peer's Close, already validated: <see cref="MessageReader.CloseCode"/> and reason.</summary>
    Close,
    /// <summary>The peer broke the protocol: fail the connection with <see cref="MessageReader.CloseCode"/>.</summary>
    Fail,
}

/// <summary>
/// Frames → messages for one connection (RFC 6455 §5–§8): reassembles fragments, interleaves control frames,
/// unmasks, validates UTF-8 incrementally (failing in the fragment where a bad byte arrives), enforces the
/// message-size limit from frame headers before buffering payload, and validates Close payloads. Knows nothing of
/// Akka; the decoder stage feeds it buffered bytes.
/// </summary>
/// <remarks>
/// The work of a message is bounded by bytes, not by its number of frames: every frame that carries payload pays for
/// itself against max-message-size, so a message within it is accepted however it is fragmented (even one byte per
/// frame). Only an empty non-final fragment carries nothing; at most max-empty-fragments of those are allowed per
/// message, so a message dribbled as millions of empty frames ends with 1009 after a handful.
/// </remarks>
internal sealed class MessageReader : IDisposable
{
    private readonly long _maxMessageSize;
    private readonly int _maxEmptyFragments;
    private readonly PooledBufferWriter _message = new(256);
    private readonly byte[] _control = new byte[125];
    private Utf8Validator _utf8;
    private FrameHeader _frame;
    private bool _inFrame;
    private long _framePayloadRead;
    private bool _inMessage;
    private WsOpcode _messageOpcode;
    private int _emptyFragments;
    private int _controlLength;
    private int _validatedUpTo;

    private readonly MessageInflater? _inflater;
    private PooledBufferWriter? _inflated;
    private bool _compressed;
    private bool _payloadInflated;

    /// <param name="maxMessageSize">Largest message, compressed or inflated (→ 1009).</param>
    /// <param name="maxEmptyFragments">Most empty non-final frames per message (→ 1009).</param>
    /// <param name="inflater">Set when permessage-deflate was negotiated: RSV1 then marks compressed messages.</param>
    public MessageReader(long maxMessageSize, int maxEmptyFragments, MessageInflater? inflater = null)
    {
        _maxMessageSize = maxMessageSize;
        _maxEmptyFragments = maxEmptyFragments;
        _inflater = inflater;
    }

    /// <summary>Text or binary, for <see cref="MessageReadStatus.Message"/>.</summary>
    public bool IsText { get; private set; }

    /// <summary>The message or control payload; valid until the next call to <see cref="Read"/>.</summary>
    public ReadOnlySpan<byte> Payload => _lastWasControl ? _control.AsSpan(0, _controlLength)
        : _payloadInflated ? _inflated!.WrittenSpan : _message.WrittenSpan;

    public ushort CloseCode { get; private set; }

    public string CloseReason { get; private set; } = "";

    private bool _lastWasControl;
    private bool _messageDelivered;

    public MessageReadStatus Read(ReadOnlySpan<byte> input, out int consumed)
    {
        consumed = 0;
        if (_messageDelivered)
        {
            _message.Clear();
            _inflated?.Clear();
            _payloadInflated = false;
            _messageDelivered = false;
        }
        while (true)
        {
            var rest = input[consumed..];
            if (!_inFrame)
            {
                var status = FrameReader.TryRead(rest, requireMask: true, allowRsv1: _inflater is not null, out _frame, out var code);
                if (status == FrameReadStatus.NeedMoreData) return MessageReadStatus.NeedMoreData;
                if (status == FrameReadStatus.Invalid) return Fail(code);
                var check = StartFrame();
                if (check != 0) return Fail(check);
                consumed += _frame.HeaderLength;
                _inFrame = true;
                _framePayloadRead = 0;
                _controlLength = 0;
                rest = input[consumed..];
            }

            // Copy what has arrived of the payload, unmasking as we go.
            var want = _frame.PayloadLength - _framePayloadRead;
            var take = (int)Math.Min(want, rest.Length);
            if (take > 0)
            {
                if (_frame.IsControl)
                {
                    var dest = _control.AsSpan(_controlLength, take);
                    rest[..take].CopyTo(dest);
                    Masking.Apply(dest, _frame.MaskKey, _framePayloadRead);
                    _controlLength += take;
                }
                else
                {
                    var dest = _message.GetSpan(take)[..take];
                    rest[..take].CopyTo(dest);
                    Masking.Apply(dest, _frame.MaskKey, _framePayloadRead);
                    _message.Advance(take);
                    // Validate text as it arrives so invalid UTF-8 fails fast (Autobahn 6.4.x); compressed text
                    // can only be checked once inflated.
                    if (_messageOpcode == WsOpcode.Text && !_compressed)
                    {
                        var fresh = _message.WrittenSpan[_validatedUpTo..];
                        var last = _frame.Fin && _framePayloadRead + take == _frame.PayloadLength;
                        if (!_utf8.Append(fresh, last)) { consumed += take; return Fail(CloseCodes.InvalidPayloadData); }
                        _validatedUpTo = _message.WrittenCount;
                    }
                }
                consumed += take;
                _framePayloadRead += take;
            }
            if (_framePayloadRead < _frame.PayloadLength) return MessageReadStatus.NeedMoreData;

            // The frame is complete.
            _inFrame = false;
            if (_frame.IsControl) return CompleteControl();
            if (!_frame.Fin) continue;
            if (_compressed)
            {
                var inflated = Inflate();
                if (inflated != 0) return Fail(inflated);
            }
            // A code point left open by the last non-empty fragment is an error once the message ends.
            else if (_messageOpcode == WsOpcode.Text && !_utf8.Append([], isFinal: true)) return Fail(CloseCodes.InvalidPayloadData);
            _inMessage = false;
            IsText = _messageOpcode == WsOpcode.Text;
            _lastWasControl = false;
            _messageDelivered = true;
            return MessageReadStatus.Message;
        }
    }

    /// <summary>Checks the frame against message state before any payload is read; returns a close code or 0.</summary>
    private ushort StartFrame()
    {
        if (_frame.IsControl) return 0;
        if (_frame.Opcode == WsOpcode.Continuation)
        {
            // §5.4: a continuation needs a message to continue. RFC 7692 §6.1: RSV1 only on a message's first frame.
            if (!_inMessage || _frame.Rsv1) return CloseCodes.ProtocolError;
        }
        else
        {
            // §5.4: a new data frame may not start inside a fragmented message.
            if (_inMessage) return CloseCodes.ProtocolError;
            _inMessage = true;
            _compressed = _frame.Rsv1;
            _messageOpcode = _frame.Opcode;
            _emptyFragments = 0;
            _validatedUpTo = 0;
            _utf8.Reset();
            _message.Clear();
        }
        // A frame with payload is paid for by the size check below; an empty one that does not end the message buys
        // nothing, so those are counted.
        if (_frame.PayloadLength == 0 && !_frame.Fin && ++_emptyFragments > _maxEmptyFragments) return CloseCodes.MessageTooBig;
        // Size is checked from the header, before the payload is buffered.
        // Written as a subtraction: a header announcing ~2^63 bytes must not wrap the sum around (RFC 6455 §10.4).
        if (_frame.PayloadLength > _maxMessageSize - _message.WrittenCount) return CloseCodes.MessageTooBig;
        return 0;
    }

    /// <summary>Inflates the buffered compressed message; returns a close code on failure, else 0.</summary>
    private ushort Inflate()
    {
        _inflated ??= new PooledBufferWriter(Math.Max(256, _message.WrittenCount * 2));
        _inflated.Clear();
        if (!_inflater!.TryInflate(_message.WrittenSpan, _maxMessageSize, _inflated, out var tooBig))
            return tooBig ? CloseCodes.MessageTooBig : CloseCodes.InvalidPayloadData;
        _payloadInflated = true;
        if (_messageOpcode == WsOpcode.Text && !System.Text.Unicode.Utf8.IsValid(_inflated.WrittenSpan))
            return CloseCodes.InvalidPayloadData;
        return 0;
    }

    private MessageReadStatus CompleteControl()
    {
        _lastWasControl = true;
        switch (_frame.Opcode)
        {
            case WsOpcode.Ping:
                return MessageReadStatus.Ping;
            case WsOpcode.Pong:
                return MessageReadStatus.Pong;
            default:
                return CompleteClose();
        }
    }

    /// <summary>§5.5.1/§7.4: empty, or a valid 2-byte code plus UTF-8 reason; 1 byte or bad code → 1002, bad UTF-8 → 1007.</summary>
    private MessageReadStatus CompleteClose()
    {
        var payload = _control.AsSpan(0, _controlLength);
        if (payload.Length == 0)
        {
            CloseCode = CloseCodes.NoStatusReceived;
            CloseReason = "";
            return MessageReadStatus.Close;
        }
        if (payload.Length == 1) return Fail(CloseCodes.ProtocolError);
        var code = BinaryPrimitives.ReadUInt16BigEndian(payload);
        if (!CloseCodes.IsValidOnWire(code)) return Fail(CloseCodes.ProtocolError);
        var reason = payload[2..];
        if (!System.Text.Unicode.Utf8.IsValid(reason)) return Fail(CloseCodes.InvalidPayloadData);
        CloseCode = code;
        CloseReason = Encoding.UTF8.GetString(reason);
        return MessageReadStatus.Close;
    }

    private MessageReadStatus Fail(ushort code)
    {
        CloseCode = code;
        _lastWasControl = false;
        return MessageReadStatus.Fail;
    }

    public void Dispose()
    {
        _message.Dispose();
        _inflated?.Dispose();
        _inflater?.Dispose();
    }
}
