using Hub.Handlers.StaticFiles;

namespace Hub.Core.Tests.Handlers.StaticFiles;

public sealed class MimeTypesTests
{
    [Theory]
    [InlineData("index.html", "text/html; charset=utf-8")]
    [InlineData("INDEX.HTM", "text/html; charset=utf-8")]
    [InlineData("site.css", "text/css; charset=utf-8")]
    [InlineData("app.js", "text/javascript; charset=utf-8")]
    [InlineData("data.json", "application/json; charset=utf-8")]
    [InlineData("logo.svg", "image/svg+xml; charset=utf-8")]
    [InlineData("notes.txt", "text/plain; charset=utf-8")]
    [InlineData("photo.jpeg", "image/jpeg")]
    [InlineData("icon.png", "image/png")]
    [InlineData("font.woff2", "font/woff2")]
    [InlineData("module.wasm", "application/wasm")]
    [InlineData("dir.d/archive.tar.gz", "application/gzip")]
    public void Known_extensions_have_their_registered_type(string path, string expected) =>
        Assert.Equal(expected, MimeTypes.ForPath(path));

    [Theory]
    [InlineData("blob.bin")]
    [InlineData("Makefile")]
    [InlineData("weird.unknownext")]
    [InlineData("dir.d/noext")]
    public void Anything_else_is_an_octet_stream(string path) =>
        Assert.Equal("application/octet-stream", MimeTypes.ForPath(path));
}
