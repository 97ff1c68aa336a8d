using System.Buffers;
using System.Collections.Concurrent;
using Hub.Handlers.StaticFiles;
using Hub.Http.Codec;
using Microsoft.Win32.SafeHandles;

namespace Hub;

/// <summary>
/// Serves files from a directory (Tornado's <c>StaticFileHandler</c>). Map it with a catch-all capture named
/// <c>path</c> (or, for a regex route, the first group) and give the root directory as the route argument:
/// <code>
/// routes.Map&lt;StaticFileHandler&gt;("/static/{*path}", args: "/srv/app/static");
/// routes.Map&lt;StaticFileHandler&gt;("/docs/{*path}", args: ["/srv/app/docs", "index.html"]);
/// </code>
/// Answers GET and HEAD with Content-Type by extension, a strong ETag (length + mtime) and Last-Modified,
/// conditional requests (304/412, RFC 9110 §13), single byte ranges (206/416, §14) and <c>Accept-Ranges: bytes</c>.
/// Paths that could leave the root — "..", encoded or not, absolute paths, backslashes, NUL, links pointing out —
/// are refused with 403; missing files and directories are 404. Files under 64 KiB go out in one response; larger
/// ones (still with Content-Length) are read asynchronously and streamed in 64 KiB pieces, each flushed with
/// back-pressure, so memory per download stays at two chunks whatever the file size.
/// Subclass to change caching (<see cref="GetCacheTime"/>), types (<see cref="GetContentType"/>) or add headers
/// (<see cref="SetExtraHeaders"/>).
/// </summary>
public class StaticFileHandler : RequestHandler
{
    // Files (or ranges) smaller than this are sent whole with Content-Length; larger ones stream in chunks this big
    // (hub.static.chunk-size).
    private int ChunkSize => Settings.Static.ChunkSize;

    /// <summary>How long a versioned URL (<c>?v=…</c>, from <see cref="RequestHandler.StaticUrl"/>) may be cached: one
    /// year, the most RFC 9111 §5.3 advises (Tornado sends ten).</summary>
    public static readonly TimeSpan VersionedCacheTime = TimeSpan.FromDays(365);

    // Resolving the root touches the file system; handlers are made per request, roots rarely change.
    private static readonly ConcurrentDictionary<string, string> RealRoots = new(StringComparer.Ordinal);

    private readonly string _root;
    private readonly string? _defaultFilename;

    /// <param name="root">The directory to serve, as an absolute path (links in it are resolved once).</param>
    /// <param name="defaultFilename">Served for a directory request, e.g. "index.html"; null: directories are 404.</param>
    public StaticFileHandler(string root, string? defaultFilename = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(root);
        if (defaultFilename is not null && (defaultFilename.Length == 0 || !StaticPath.TryNormalize(defaultFilename, out var s) || s.Count != 1))
            throw new ArgumentException($"default filename '{defaultFilename}' must be a plain file name", nameof(defaultFilename));
        _root = RealRoots.GetOrAdd(root, StaticPath.RealRoot);
        _defaultFilename = defaultFilename;
    }

    /// <summary>The served directory, absolute, with links resolved.</summary>
    public string Root => _root;

    public override async Task GetAsync()
    {
        var requested = RequestedPath();
        var fullPath = Resolve(requested);
        if (Directory.Exists(fullPath))
        {
            if (_defaultFilename is null) throw new HttpError(404, "{0} is a directory", requested);
            // Relative links in an index page only work under a URL ending in '/' (Tornado redirects the same way).
            if (!Request.RawPath.EndsWith('/'))
            {
                // "//evil.example/dir" + "/" would be a protocol-relative redirect off-site (Tornado CVE-2023-28370).
                if (Request.RawPath.StartsWith("//", StringComparison.Ordinal)) throw new HttpError(403, "refusing to redirect {0}", Request.RawPath);
                Redirect(Request.RawPath + "/" + (Request.Query.Length > 0 ? "?" + Request.Query : ""), permanent: true);
                return;
            }
            requested = requested.Length == 0 ? _defaultFilename : requested.TrimEnd('/') + "/" + _defaultFilename;
            fullPath = Resolve(requested);
        }

        using var file = Open(fullPath, requested);
        var length = RandomAccess.GetLength(file);
        var lastWrite = File.GetLastWriteTimeUtc(file);
        var etag = EntityTags.ForFile(length, lastWrite);
        // Never claim a modification after the response's Date (RFC 9110 §8.8.2.1).
        var now = DateTimeOffset.UtcNow;
        var written = new DateTimeOffset(lastWrite, TimeSpan.Zero);
        var lastModified = HttpDate.TruncateToSeconds(written > now ? now : written);

        SetHeader("ETag", etag);
        SetHeader("Last-Modified", HttpDate.Format(lastModified));
        var cacheTime = GetCacheTime(requested);
        // A versioned URL names one content for ever: "immutable" spares browsers the revalidation on reload.
        var immutable = Request.QueryArguments.ContainsKey("v") ? ", immutable" : "";
        SetHeader("Cache-Control", cacheTime > TimeSpan.Zero ? $"public, max-age={(long)cacheTime.TotalSeconds}{immutable}" : "no-cache");
        SetExtraHeaders(requested);

        var isHead = Request.Method == KnownMethods.Head;
        switch (Preconditions.Evaluate(Request.Headers, getOrHead: true, etag, lastModified))
        {
            case PreconditionResult.NotModified:
                SetStatus(304);
                ClearHeader("Content-Type");
                return;
            case PreconditionResult.Failed:
                SetStatus(412);
                ClearHeader("Content-Type");
                return;
        }

        SetHeader("Content-Type", GetContentType(fullPath));
        SetHeader("Accept-Ranges", "bytes");
        var range = new ByteRange(0, length);
        // Range handling is defined for GET only; HEAD must ignore it (RFC 9110 §14.2).
        if (!isHead && Preconditions.RangeAllowed(Request.Headers, etag, lastModified))
        {
            switch (ByteRange.Parse(Request.Headers.Get("Range"), length, out var partial))
            {
                case RangeKind.Unsatisfiable:
                    SetStatus(416);
                    SetHeader("Content-Range", ByteRange.Unsatisfied(length));
                    ClearHeader("Content-Type");
                    return;
                case RangeKind.Partial:
                    SetStatus(206);
                    SetHeader("Content-Range", partial.ContentRange(length));
                    range = partial;
                    break;
            }
        }

        if (range.Length < ChunkSize)
        {
            await WriteWholeAsync(file, range).ConfigureAwait(true);
        }
        else
        {
            // The length is known: streamed chunks go out unchunked under a real Content-Length.
            SetHeader("Content-Length", range.Length.ToString(System.Globalization.CultureInfo.InvariantCulture));
            // A HEAD describes the GET: the same headers, nothing read.
            if (isHead) await FlushAsync().ConfigureAwait(true);
            else await StreamAsync(file, range).ConfigureAwait(true);
        }
    }

    /// <summary>
    /// How long clients may cache <paramref name="path"/> without revalidating. Default: ten years when the URL
    /// carries a version argument <c>v</c> (Tornado's versioned static URLs), else zero, which sends
    /// <c>Cache-Control: no-cache</c> — clients revalidate every time, cheaply, with ETag.
    /// </summary>
    protected virtual TimeSpan GetCacheTime(string path) =>
        Request.QueryArguments.ContainsKey("v") ? VersionedCacheTime : TimeSpan.Zero;

    /// <summary>The Content-Type for the file at <paramref name="fullPath"/>. Default: by extension.</summary>
    protected virtual string GetContentType(string fullPath) => MimeTypes.ForPath(fullPath);

    /// <summary>Hook for more headers (CORS, Content-Security-Policy …) on every response for <paramref name="path"/>.</summary>
    protected virtual void SetExtraHeaders(string path) { }

    /// <summary>The path below the root the request asks for: the capture named "path", else the first capture.</summary>
    protected virtual string RequestedPath() =>
        RouteValues.TryGetValue("path", out var path) ? path
        : RouteValues.Positional.Count > 0 ? RouteValues[0]
        : "";

    private string Resolve(string requested)
    {
        if (!StaticPath.TryResolve(_root, requested, out var fullPath))
            throw new HttpError(403, "{0} is not in the static root", requested);
        return fullPath;
    }

    private static SafeFileHandle Open(string fullPath, string requested)
    {
        try
        {
            return File.OpenHandle(fullPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete,
                FileOptions.Asynchronous | FileOptions.SequentialScan);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new HttpError(404, "no file {0}", requested);
        }
        catch (UnauthorizedAccessException)
        {
            throw new HttpError(403, "{0} is not readable", requested);
        }
    }

    private async Task WriteWholeAsync(SafeFileHandle file, ByteRange range)
    {
        if (range.Length == 0) return;
        var buffer = ArrayPool<byte>.Shared.Rent((int)range.Length);
        try
        {
            var filled = 0;
            while (filled < range.Length)
            {
                var n = await RandomAccess.ReadAsync(file, buffer.AsMemory(filled, (int)range.Length - filled),
                    range.Start + filled, ConnectionClosed).ConfigureAwait(true);
                if (n == 0) throw new IOException("the file shrank while it was being read");
                filled += n;
            }
            Write(buffer.AsSpan(0, filled));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// Reads chunk n+1 from disk while chunk n is on its way to the client; waits for the client before handing over
    /// more, so at most two chunks per download are in memory.
    /// </summary>
    private async Task StreamAsync(SafeFileHandle file, ByteRange range)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(ChunkSize);
        try
        {
            var flushed = Task.CompletedTask;
            var position = range.Start;
            var remaining = range.Length;
            while (remaining > 0)
            {
                var n = await RandomAccess.ReadAsync(file, buffer.AsMemory(0, (int)Math.Min(ChunkSize, remaining)),
                    position, ConnectionClosed).ConfigureAwait(true);
                // The length is promised already; a truncated file must not pass for a complete one.
                if (n == 0) throw new IOException("the file shrank while it was being sent");
                await flushed.ConfigureAwait(true);
                Write(buffer.AsSpan(0, n));
                flushed = FlushAsync();
                position += n;
                remaining -= n;
            }
            await flushed.ConfigureAwait(true);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
