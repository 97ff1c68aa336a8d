using System.Globalization;
using System.IO.Compression;
using Akka.IO;
using Hub.Configuration;
using Hub.Http;

namespace Hub.Handlers;

/// <summary>
/// gzip / deflate content coding of one response (RFC 9110 §8.4), negotiated from Accept-Encoding, for compressible
/// content types at least min-size long (unknown length, i.e. streaming, qualifies). Works across flushes: each
/// flush emits a sync-flushed block the client can decode at once, the last one closes the stream.
/// Uses System.IO.Compression.
/// </summary>
internal sealed class ResponseCompressor
{
    private readonly MemoryStream _output = new();
    private readonly Stream _encoder;
    private bool _closed;

    private ResponseCompressor(string coding, CompressionLevel level)
    {
        Coding = coding;
        // HTTP "deflate" is the zlib format (RFC 9110 §8.4.1.2), not raw deflate.
        _encoder = coding == "gzip"
            ? new GZipStream(_output, level, leaveOpen: true)
            : new ZLibStream(_output, level, leaveOpen: true);
    }

    public string Coding { get; }

    /// <summary>Starts compression when it applies, setting Content-Encoding and Vary on <paramref name="headers"/>.</summary>
    public static ResponseCompressor? TryCreate(CompressionSettings settings, HttpRequest request, int status,
        HttpHeaders headers, long? length)
    {
        if (!settings.Enabled) return null;
        if (status is < 200 or 204 or 206 or 304) return null;
        if (headers.Contains("Content-Encoding")) return null;
        var type = headers.Get("Content-Type");
        if (type is null || !IsCompressible(settings, type)) return null;
        // The choice depends on Accept-Encoding whether or not we compress this time: caches must know.
        AddVary(headers);
        if (length is { } n && n < settings.MinSize) return null;
        if (request.Method == Http.Codec.KnownMethods.Head) return null;
        var coding = Negotiate(request.Headers.GetCombined("Accept-Encoding"));
        if (coding is null) return null;
        headers.Set("Content-Encoding", coding);
        // RFC 9110 §8.8.3: the gzip and identity bodies differ byte for byte, so a strong validator of the identity
        // body must not label the compressed one (nginx weakens it the same way).
        if (headers.Get("ETag") is { } etag && !etag.StartsWith("W/", StringComparison.Ordinal)) headers.Set("ETag", "W/" + etag);
        return new ResponseCompressor(coding, settings.Level);
    }

    /// <summary>Compresses <paramref name="data"/>; on <paramref name="isLast"/> also writes the stream's end.</summary>
    public ByteString Compress(ByteString data, bool isLast)
    {
        if (_closed) return ByteString.Empty;
        if (!data.IsEmpty)
        {
            var rented = System.Buffers.ArrayPool<byte>.Shared.Rent(data.Count);
            data.CopyTo(rented, 0, data.Count);
            _encoder.Write(rented, 0, data.Count);
            System.Buffers.ArrayPool<byte>.Shared.Return(rented);
        }
        if (isLast)
        {
            _encoder.Dispose();
            _closed = true;
        }
        else
        {
            _encoder.Flush();
        }
        var bytes = _output.Length == 0 ? ByteString.Empty : ByteString.CopyFrom(_output.GetBuffer(), 0, (int)_output.Length);
        _output.SetLength(0);
        return bytes;
    }

    /// <summary>gzip or deflate with the highest q &gt; 0 (gzip wins ties); null when neither is acceptable.</summary>
    internal static string? Negotiate(string? acceptEncoding)
    {
        if (string.IsNullOrWhiteSpace(acceptEncoding)) return null;
        double gzip = -1, deflate = -1, star = -1;
        foreach (var part in acceptEncoding.Split(','))
        {
            var pieces = part.Split(';');
            var coding = pieces[0].Trim().ToLowerInvariant();
            var q = 1.0;
            for (var i = 1; i < pieces.Length; i++)
            {
                var p = pieces[i].Trim();
                if (p.StartsWith("q=", StringComparison.OrdinalIgnoreCase) &&
                    double.TryParse(p[2..], NumberStyles.Float, CultureInfo.InvariantCulture, out var v)) q = v;
            }
            switch (coding)
            {
                case "gzip" or "x-gzip": gzip = q; break;
                case "deflate": deflate = q; break;
                case "*": star = q; break;
            }
        }
        if (gzip < 0) gzip = star;
        if (deflate < 0) deflate = star;
        if (gzip <= 0 && deflate <= 0) return null;
        return gzip >= deflate ? "gzip" : "deflate";
    }

    private static bool IsCompressible(CompressionSettings settings, string contentType)
    {
        foreach (var prefix in settings.MimeTypes)
            if (contentType.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)) return true;
        return false;
    }

    private static void AddVary(HttpHeaders headers)
    {
        if (headers.HasToken("Vary", "Accept-Encoding") || headers.HasToken("Vary", "*")) return;
        var existing = headers.Get("Vary");
        headers.Set("Vary", existing is null ? "Accept-Encoding" : existing + ", Accept-Encoding");
    }
}
