using System.Text;
using Hub.Http.Codec;

namespace Hub.Fuzz;

/// <summary>
/// <see cref="Http1BodyReader"/> alone. The input is a framing line, then the bytes after the head:
/// <c>chunked\n</c> or a decimal Content-Length and <c>\n</c>, then body bytes (and whatever follows the body on the
/// connection). Checks: the body, the verdict and where the body ends are the same however the bytes are split (a
/// body boundary that moves with the split is request smuggling); slices are within the input and the limits; a
/// chunked body that was accepted decodes to the same bytes when re-encoded canonically.
/// </summary>
public static class HttpBodyTarget
{
    private const long MaxBody = 4096;
    private const int SliceSize = 64;
    private const int MaxTrailerBytes = 1024;

    public static void Run(byte[] input)
    {
        var lf = Array.IndexOf(input, (byte)'\n');
        if (lf < 0) return;
        var framingLine = Encoding.ASCII.GetString(input, 0, lf).TrimEnd('\r');
        BodyFraming framing;
        long contentLength = 0;
        if (framingLine == "chunked") framing = BodyFraming.Chunked;
        else if (long.TryParse(framingLine, out contentLength) && contentLength is >= 0 and <= MaxBody) framing = BodyFraming.ContentLength;
        else return;
        var bytes = input[(lf + 1)..];

        Outcome? whole = null;
        foreach (var feed in Splits.Of(bytes))
        {
            var outcome = Decode(bytes, feed, framing, contentLength);
            whole ??= outcome;
            FuzzInvariantException.Check(outcome.Verdict == whole.Verdict && outcome.BodyEnd == whole.BodyEnd && outcome.Body.AsSpan().SequenceEqual(whole.Body),
                $"split [{string.Join(',', feed.Take(20))}]: {outcome.Verdict} at {outcome.BodyEnd} with {outcome.Body.Length} body bytes; " +
                $"whole: {whole.Verdict} at {whole.BodyEnd} with {whole.Body.Length}");
        }
        if (framing == BodyFraming.ContentLength && whole!.Verdict == "done")
            FuzzInvariantException.Check(whole.Body.Length == contentLength, $"{whole.Body.Length} body bytes for Content-Length {contentLength}");
        if (framing == BodyFraming.Chunked && whole!.Verdict == "done")
        {
            var canonical = Encode(whole.Body);
            var again = Decode(canonical, [canonical.Length], BodyFraming.Chunked, 0);
            FuzzInvariantException.Check(again.Verdict == "done" && again.BodyEnd == canonical.Length && again.Body.AsSpan().SequenceEqual(whole.Body),
                $"the canonical re-encoding of an accepted body reads as {again.Verdict} at {again.BodyEnd}");
        }
    }

    /// <param name="Verdict">"done", "incomplete" or the rejection reason.</param>
    /// <param name="BodyEnd">Bytes of input consumed when the verdict was reached: where the next request starts.</param>
    private sealed record Outcome(string Verdict, long BodyEnd, byte[] Body);

    private static Outcome Decode(byte[] input, int[] feed, BodyFraming framing, long contentLength)
    {
        var reader = new Http1BodyReader(MaxBody, SliceSize, MaxTrailerBytes);
        reader.Start(framing, contentLength);
        var buffer = new FeedBuffer();
        var body = new List<byte>();
        long consumedTotal = 0;
        var offset = 0;
        foreach (var n in feed)
        {
            buffer.Append(input.AsSpan(offset, n));
            offset += n;
            while (true)
            {
                var available = buffer.Length;
                var status = reader.Read(buffer.Unread, out var consumed, out var data, out var reason);
                if (status == BodyReadStatus.Invalid) return new Outcome(reason.ToString(), -1, body.ToArray());
                FuzzInvariantException.Check(consumed >= 0 && consumed <= available, $"consumed {consumed} of {available}");
                if (status == BodyReadStatus.Data)
                {
                    var (start, length) = data.GetOffsetAndLength(available);
                    FuzzInvariantException.Check(length is > 0 and <= SliceSize && start + length <= consumed, $"slice {start}+{length} with {consumed} consumed");
                    body.AddRange(buffer.Unread.Slice(start, length));
                    FuzzInvariantException.Check(body.Count <= MaxBody, $"{body.Count} body bytes passed the limit");
                }
                buffer.Advance(consumed);
                consumedTotal += consumed;
                if (status == BodyReadStatus.Done)
                {
                    FuzzInvariantException.Check(reader.IsDone, "Done but IsDone is false");
                    return new Outcome("done", consumedTotal, body.ToArray());
                }
                if (status == BodyReadStatus.NeedMoreData) break;
            }
        }
        return new Outcome("incomplete", -1, body.ToArray());
    }

    private static byte[] Encode(byte[] body)
    {
        var ms = new MemoryStream();
        for (var i = 0; i < body.Length; i += 100)
        {
            var n = Math.Min(100, body.Length - i);
            ms.Write(Encoding.ASCII.GetBytes($"{n:x}\r\n"));
            ms.Write(body, i, n);
            ms.Write("\r\n"u8);
        }
        ms.Write("0\r\n\r\n"u8);
        return ms.ToArray();
    }
}
