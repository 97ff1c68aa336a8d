using System.Text;
using Hub.Configuration;
using Hub.Http.Codec;

namespace Hub.Fuzz;

/// <summary>
/// A connection's inbound bytes through <see cref="Http1RequestReader"/> and <see cref="Http1BodyReader"/>, driven
/// the way Http1DecoderStage drives them (skip leading empty lines, read a head, then its body, then the next
/// pipelined request). Checks: the transcript of heads, bodies and rejections is the same however the bytes are
/// split; no read consumes more than is buffered; heads and bodies respect the configured limits.
/// </summary>
public static class HttpRequestTarget
{
    // Small limits, so the fuzzer reaches every limit check with small inputs.
    internal static readonly HttpSettings Settings = HubSettings.Default.Http with
    {
        MaxRequestLineSize = 256,
        MaxRequestHeadersTotalSize = 1024,
        MaxRequestHeaderCount = 16,
        MaxRequestBodySize = 4096,
        BodyChunkSize = 64,
    };

    public static void Run(byte[] input)
    {
        string? whole = null;
        foreach (var feed in Splits.Of(input))
        {
            var transcript = Decode(input, feed);
            whole ??= transcript;
            FuzzInvariantException.Check(transcript == whole,
                $"split [{string.Join(',', feed.Take(20))}] read\n{transcript}\nbut whole input read\n{whole}");
        }
    }

    private static string Decode(byte[] input, int[] feed)
    {
        var log = new StringBuilder();
        var buffer = new FeedBuffer();
        var reader = new Http1RequestReader(Settings);
        var body = new Http1BodyReader(Settings.MaxRequestBodySize, Settings.BodyChunkSize, Settings.MaxRequestHeadersTotalSize);
        var inBody = false;
        RequestHead? current = null;
        long bodyBytes = 0;
        ulong bodyHash = Splits.FnvOffset;
        var offset = 0;
        foreach (var n in feed)
        {
            buffer.Append(input.AsSpan(offset, n));
            offset += n;
            while (true)
            {
                if (!inBody)
                {
                    var skip = Http1RequestReader.CountLeadingEmptyLines(buffer.Unread);
                    if (skip > 0)
                    {
                        buffer.Advance(skip);
                        reader.Reset();
                    }
                    if (buffer.Length == 0) break;
                    var status = reader.TryRead(buffer.Unread, out var consumed, out var head, out var reason);
                    if (status == ReadStatus.Invalid) return log.Append("rejected ").Append(reason).ToString();
                    if (status == ReadStatus.NeedMoreData)
                    {
                        FuzzInvariantException.Check(consumed == 0 && head is null, "NeedMoreData with a head or consumed bytes");
                        break;
                    }
                    FuzzInvariantException.Check(consumed > 0 && consumed <= buffer.Length, $"head consumed {consumed} of {buffer.Length}");
                    buffer.Advance(consumed);
                    CheckHead(head!);
                    log.Append("head ").Append(Describe(head!)).Append('\n');
                    // The rest would be the upgraded protocol's bytes, not HTTP.
                    if (head!.IsUpgrade) return log.Append("upgrade").ToString();
                    if (head.HasBody)
                    {
                        inBody = true;
                        current = head;
                        bodyBytes = 0;
                        bodyHash = Splits.FnvOffset;
                        body.Start(head.Framing, head.ContentLength);
                    }
                }
                else
                {
                    var available = buffer.Length;
                    var status = body.Read(buffer.Unread, out var consumed, out var data, out var reason);
                    if (status == BodyReadStatus.Invalid) return log.Append("body rejected ").Append(reason).ToString();
                    FuzzInvariantException.Check(consumed >= 0 && consumed <= available, $"body consumed {consumed} of {available}");
                    if (status == BodyReadStatus.Data)
                    {
                        var (start, length) = data.GetOffsetAndLength(available);
                        FuzzInvariantException.Check(length > 0 && length <= Settings.BodyChunkSize && start + length <= consumed,
                            $"body slice {start}+{length} with {consumed} consumed");
                        bodyHash = Splits.Fnv1a(buffer.Unread.Slice(start, length), bodyHash);
                        bodyBytes += length;
                        FuzzInvariantException.Check(bodyBytes <= Settings.MaxRequestBodySize, $"body of {bodyBytes} bytes passed the limit");
                    }
                    buffer.Advance(consumed);
                    if (status == BodyReadStatus.Done)
                    {
                        if (current!.Framing == BodyFraming.ContentLength)
                            FuzzInvariantException.Check(bodyBytes == current.ContentLength, $"body of {bodyBytes} bytes for Content-Length {current.ContentLength}");
                        log.Append("body ").Append(bodyBytes).Append(' ').Append(bodyHash.ToString("x16")).Append('\n');
                        inBody = false;
                        continue;
                    }
                    if (status == BodyReadStatus.NeedMoreData) break;
                }
            }
        }
        return log.Append(inBody ? "in body, " : "between requests, ").Append(buffer.Length).Append(" bytes buffered").ToString();
    }

    private static void CheckHead(RequestHead head)
    {
        FuzzInvariantException.Check(head.Method.Length > 0 && head.Target.Length > 0, "empty method or target");
        FuzzInvariantException.Check(head.Target.Length <= Settings.MaxRequestLineSize, "target longer than the request line limit");
        FuzzInvariantException.Check(head.RawPath.StartsWith('/') || head.Target == "*", $"path '{head.RawPath}' does not start with '/'");
        FuzzInvariantException.Check(head.Headers.Count <= Settings.MaxRequestHeaderCount, "more header fields than the limit");
        FuzzInvariantException.Check(head.ContentLength >= 0 && head.ContentLength <= Settings.MaxRequestBodySize, $"Content-Length {head.ContentLength}");
        FuzzInvariantException.Check((head.Framing == BodyFraming.ContentLength) == (head.ContentLength > 0), "Content-Length framing without a length");
    }

    private static string Describe(RequestHead head)
    {
        var sb = new StringBuilder();
        sb.Append(head.Method).Append(' ').Append(head.Target).Append(' ').Append(head.Version)
            .Append(" host=").Append(head.Host).Append(' ').Append(head.Framing).Append(' ').Append(head.ContentLength)
            .Append(head.KeepAlive ? " keep-alive" : " close").Append(head.ExpectContinue ? " 100-continue" : "");
        foreach (var (name, value) in head.Headers) sb.Append(" | ").Append(name).Append(": ").Append(value);
        return sb.ToString();
    }
}
