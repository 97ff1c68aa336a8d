namespace Hub.Host.DemoApp;

/// <summary>Serves one page shipped with the host (GET /chat.html), through the static file machinery.</summary>
public sealed class PageHandler(string root, string file) : StaticFileHandler(root)
{
    protected override string RequestedPath() => file;
}
