using Hub.Handlers.StaticFiles;
using Hub.Templates;

namespace Hub;

public abstract partial class RequestHandler
{
    /// <summary>
    /// Renders the template <paramref name="name"/> (under hub.templates.path) with <paramref name="model"/> and
    /// finishes the response with it, as <c>text/html</c> unless a Content-Type was set (Tornado's <c>render</c>).
    /// Output is HTML-encoded unless a value is marked raw; see <see cref="RenderString"/>.
    /// </summary>
    public void Render(string name, object? model = null)
    {
        var html = RenderString(name, model);
        if (ResponseHeaders.Get("Content-Type") is null) SetHeader("Content-Type", "text/html; charset=UTF-8");
        Finish(html);
    }

    /// <summary>
    /// The template <paramref name="name"/> rendered with <paramref name="model"/>, as a string (Tornado's
    /// <c>render_string</c>). Templates are Liquid (Fluid); the model's properties are top-level names, and the helpers
    /// <c>current_user</c>, <c>xsrf_form_html()</c>, <c>static_url('path')</c> and <c>reverse_url('name', args…)</c>
    /// are always there. A template that does not compile or render throws <see cref="TemplateException"/> (a 500
    /// whose log line names the template and line).
    /// </summary>
    public string RenderString(string name, object? model = null)
    {
        var loader = TemplateLoader.For(Settings.Templates);
        return loader.Render(name, TemplateGlobals.Create(this, model, loader.Options));
    }

    /// <summary>
    /// The URL of the static file <paramref name="path"/> (relative to hub.static.path), served under
    /// hub.static.url-prefix, with <c>?v=</c> a hash of its content (Tornado's <c>static_url</c>): browsers may cache it
    /// for a year because a changed file gets a new URL. No <c>v</c> when the file does not exist.
    /// </summary>
    public string StaticUrl(string path)
    {
        var settings = Settings.Static;
        if (settings.Path.Length == 0)
            throw new InvalidOperationException("StaticUrl needs hub.static.path: the directory of the static files");
        var relative = path.TrimStart('/');
        var url = settings.UrlPrefix + string.Join('/', relative.Split('/').Select(Uri.EscapeDataString));
        var version = StaticVersions.For(settings.FullPath, relative);
        return version is null ? url : url + "?v=" + version;
    }
}
