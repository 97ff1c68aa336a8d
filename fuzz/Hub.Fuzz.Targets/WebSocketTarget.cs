using System.Text;
using Hub.WebSockets;
using Hub.WebSockets.Codec;

namespace Hub.Fuzz;

/// <summary>
/// A client's frames through <see cref="MessageReader"/> (and so <see cref="FrameReader"/>, unmasking and
/// incremental UTF-8 validation), driven like WebSocketStage: read until more bytes are needed, stop at a Close or
/// a failure. Each input runs three ways: without an extension, with permessage-deflate keeping its context, and with
/// client_no_context_takeover. Checks: the same messages, control frames and verdict however the bytes are split;
/// never more consumed than buffered; messages within the size limit, text messages valid UTF-8, control payloads
/// at most 125 bytes, close and failure codes the ones RFC 6455 allows.
/// </summary>
public static class WebSocketTarget
{
    private const long MaxMessageSize = 8192;
    private const int MaxFragments = 64;

    private enum Deflate { None, ContextTakeover, ResetPerMessage }

    public static void Run(byte[] input)
    {
        foreach (var deflate in new[] { Deflate.None, Deflate.ContextTakeover, Deflate.ResetPerMessage })
        {
            string? whole = null;
            foreach (var feed in Splits.Of(input))
            {
                var transcript = Decode(input, feed, deflate);
                whole ??= transcript;
                FuzzInvariantException.Check(transcript == whole,
                    $"{deflate}, split [{string.Join(',', feed.Take(20))}] read\n{transcript}\nbut whole input read\n{whole}");
            }
        }
    }

    private static string Decode(byte[] input, int[] feed, Deflate deflate)
    {
        var log = new StringBuilder();
        var inflater = deflate == Deflate.None ? null : new MessageInflater(resetPerMessage: deflate == Deflate.ResetPerMessage);
        using var reader = new MessageReader(MaxMessageSize, MaxFragments, inflater);
        var buffer = new FeedBuffer();
        var offset = 0;
        foreach (var n in feed)
        {
            buffer.Append(input.AsSpan(offset, n));
            offset += n;
            while (true)
            {
                var available = buffer.Length;
                var status = reader.Read(buffer.Unread, out var consumed);
                FuzzInvariantException.Check(consumed >= 0 && consumed <= available, $"consumed {consumed} of {available}");
                buffer.Advance(consumed);
                switch (status)
                {
                    case MessageReadStatus.NeedMoreData:
                        break;
                    case MessageReadStatus.Message:
                        FuzzInvariantException.Check(reader.Payload.Length <= MaxMessageSize, $"a message of {reader.Payload.Length} bytes passed the limit");
                        if (reader.IsText)
                            FuzzInvariantException.Check(System.Text.Unicode.Utf8.IsValid(reader.Payload), "a text message that is not UTF-8");
                        log.Append(reader.IsText ? "text " : "binary ").Append(Digest(reader.Payload)).Append('\n');
                        continue;
                    case MessageReadStatus.Ping:
                    case MessageReadStatus.Pong:
                        FuzzInvariantException.Check(reader.Payload.Length <= 125, $"a control payload of {reader.Payload.Length} bytes");
                        log.Append(status).Append(' ').Append(Digest(reader.Payload)).Append('\n');
                        continue;
                    case MessageReadStatus.Close:
                        FuzzInvariantException.Check(reader.CloseCode == CloseCodes.NoStatusReceived || CloseCodes.IsValidOnWire(reader.CloseCode),
                            $"close code {reader.CloseCode}");
                        return log.Append("close ").Append(reader.CloseCode).Append(' ').Append(reader.CloseReason).ToString();
                    case MessageReadStatus.Fail:
                        FuzzInvariantException.Check(reader.CloseCode is CloseCodes.ProtocolError or CloseCodes.InvalidPayloadData or CloseCodes.MessageTooBig,
                            $"failed with close code {reader.CloseCode}");
                        return log.Append("fail ").Append(reader.CloseCode).ToString();
                }
                break;
            }
        }
        return log.Append(buffer.Length).Append(" bytes buffered").ToString();
    }

    private static string Digest(ReadOnlySpan<byte> payload)
    {
        return $"{payload.Length}:{Splits.Fnv1a(payload, Splits.FnvOffset):x16}";
    }
}
