namespace Hub.Handlers.StaticFiles;

/// <summary>
/// Content-Type by file extension for the common web types (the IANA media types registry; JavaScript is
/// text/javascript per RFC 9239). Textual types carry <c>charset=utf-8</c> so browsers do not guess; anything
/// unknown is <c>application/octet-stream</c> (RFC 9110 §8.3: the sender does not know the type).
/// </summary>
internal static class MimeTypes
{
    public const string Default = "application/octet-stream";

    private const string Utf8 = "; charset=utf-8";

    private static readonly Dictionary<string, string> ByExtension = new(StringComparer.OrdinalIgnoreCase)
    {
        // text
        [".html"] = "text/html" + Utf8,
        [".htm"] = "text/html" + Utf8,
        [".css"] = "text/css" + Utf8,
        [".js"] = "text/javascript" + Utf8,
        [".mjs"] = "text/javascript" + Utf8,
        [".txt"] = "text/plain" + Utf8,
        [".text"] = "text/plain" + Utf8,
        [".log"] = "text/plain" + Utf8,
        [".md"] = "text/markdown" + Utf8,
        [".csv"] = "text/csv" + Utf8,
        [".tsv"] = "text/tab-separated-values" + Utf8,
        [".ics"] = "text/calendar" + Utf8,
        [".vtt"] = "text/vtt" + Utf8,
        [".xml"] = "application/xml" + Utf8,
        [".xhtml"] = "application/xhtml+xml" + Utf8,
        [".json"] = "application/json" + Utf8,
        [".map"] = "application/json" + Utf8,
        [".webmanifest"] = "application/manifest+json" + Utf8,
        [".rss"] = "application/rss+xml" + Utf8,
        [".atom"] = "application/atom+xml" + Utf8,
        [".svg"] = "image/svg+xml" + Utf8,
        // images
        [".png"] = "image/png",
        [".apng"] = "image/apng",
        [".jpg"] = "image/jpeg",
        [".jpeg"] = "image/jpeg",
        [".gif"] = "image/gif",
        [".webp"] = "image/webp",
        [".avif"] = "image/avif",
        [".bmp"] = "image/bmp",
        [".ico"] = "image/vnd.microsoft.icon",
        [".tif"] = "image/tiff",
        [".tiff"] = "image/tiff",
        // fonts
        [".woff"] = "font/woff",
        [".woff2"] = "font/woff2",
        [".ttf"] = "font/ttf",
        [".otf"] = "font/otf",
        [".eot"] = "application/vnd.ms-fontobject",
        // audio and video
        [".mp3"] = "audio/mpeg",
        [".wav"] = "audio/wav",
        [".oga"] = "audio/ogg",
        [".ogg"] = "audio/ogg",
        [".opus"] = "audio/opus",
        [".m4a"] = "audio/mp4",
        [".flac"] = "audio/flac",
        [".mp4"] = "video/mp4",
        [".m4v"] = "video/mp4",
        [".webm"] = "video/webm",
        [".ogv"] = "video/ogg",
        [".mov"] = "video/quicktime",
        // applications and archives
        [".wasm"] = "application/wasm",
        [".pdf"] = "application/pdf",
        [".zip"] = "application/zip",
        [".gz"] = "application/gzip",
        [".tar"] = "application/x-tar",
        [".7z"] = "application/x-7z-compressed",
    };

    /// <summary>The Content-Type for <paramref name="path"/>, judged by its extension only (never by sniffing).</summary>
    public static string ForPath(string path)
    {
        var extension = Path.GetExtension(path);
        return extension.Length > 0 && ByExtension.TryGetValue(extension, out var type) ? type : Default;
    }
}
