using System.Net;
using System.Text.Json;
using Akka.Event;
using Hub.Integration.Tests.Diagnostics;
using Hub.Integration.Tests.Support;

namespace Hub.Integration.Tests.Handlers;

/// <summary>Render/RenderString through Fluid: autoescape, includes and layouts, Tornado's helpers, caching and errors.</summary>
public sealed class TemplateTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "hub-templates-" + Guid.NewGuid().ToString("N"));

    public TemplateTests()
    {
        Directory.CreateDirectory(Path.Combine(_dir, "templates"));
        Directory.CreateDirectory(Path.Combine(_dir, "static"));
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private void Template(string name, string text) => File.WriteAllText(Path.Combine(_dir, "templates", name), text);

    private string Settings(string more = "") => $$"""
        hub.templates.path = {{JsonSerializer.Serialize(Path.Combine(_dir, "templates"))}}
        hub.static.path = {{JsonSerializer.Serialize(Path.Combine(_dir, "static"))}}
        {{more}}
        """;

    /// <summary>Renders ?t= with a model whose name is ?name=; the user is the X-User header.</summary>
    private sealed class Page : RequestHandler
    {
        public override Task<string?> GetCurrentUserAsync() => Task.FromResult(Request.Headers.Get("X-User"));

        public override Task GetAsync()
        {
            Render(GetArgument("t"), new { name = GetArgument("name", "world"), items = new[] { "a<", "b" } });
            return Task.CompletedTask;
        }
    }

    private sealed class AsJson : RequestHandler
    {
        public override Task GetAsync()
        {
            WriteJson(new { html = RenderString("inner.html", new { name = "<json>" }) });
            return Task.CompletedTask;
        }
    }

    private Task<TestServer> StartAsync(string more = "") => TestServer.StartAsync(r => r
        .Map<Page>("/page")
        .Map<AsJson>("/json")
        .Map<Page>("/users/{id}", name: "user")
        .Map<StaticFileHandler>("/static/{*path}", name: null, Path.Combine(_dir, "static")), Settings(more));

    [Fact]
    public async Task Output_is_html_encoded_and_the_page_is_text_html()
    {
        Template("hello.html", "<p>Hello, {{ name }}!</p>{% for i in items %}[{{ i }}]{% endfor %}{{ name | raw }}");
        await using var server = await StartAsync();

        using var response = await server.Client.GetAsync("/page?t=hello.html&name=" + Uri.EscapeDataString("<script>x</script>"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal("<p>Hello, &lt;script&gt;x&lt;/script&gt;!</p>[a&lt;][b]<script>x</script>", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Includes_and_layouts_compose_a_page_and_RenderString_returns_it()
    {
        Template("base.html", "<html><title>{{ name }}</title><body>{{ content }}</body></html>");
        Template("inner.html", "{% layout 'base.html' %}{% include 'part.html' %}");
        Template("part.html", "<b>{{ name }}</b>");
        await using var server = await StartAsync();

        Assert.Equal("<html><title>ann</title><body><b>ann</b></body></html>", await server.Client.GetStringAsync("/page?t=inner.html&name=ann"));
        using var json = JsonDocument.Parse(await server.Client.GetStringAsync("/json"));
        Assert.Equal("<html><title>&lt;json&gt;</title><body><b>&lt;json&gt;</b></body></html>", json.RootElement.GetProperty("html").GetString());
    }

    [Fact]
    public async Task Tornados_helpers_are_available()
    {
        File.WriteAllText(Path.Combine(_dir, "static", "app.js"), "console.log(1)");
        Template("helpers.html", "{{ current_user }}\n{{ reverse_url('user', 42) }}\n{{ static_url('app.js') }}\n{{ static_url('none.js') }}\n{{ xsrf_form_html() }}");
        await using var server = await StartAsync("hub.security.xsrf-cookies = on");

        using var request = new HttpRequestMessage(HttpMethod.Get, "/page?t=helpers.html");
        request.Headers.Add("X-User", "ann");
        using var response = await server.Client.SendAsync(request);
        var parts = (await response.Content.ReadAsStringAsync()).Split('\n');
        Assert.Equal("ann", parts[0]);
        Assert.Equal("/users/42", parts[1]);
        Assert.Matches("^/static/app\\.js\\?v=[0-9a-f]{16}$", parts[2]);
        Assert.Equal("/static/none.js", parts[3]);
        Assert.StartsWith("<input type=\"hidden\" name=\"_xsrf\" value=\"2|", parts[4]);

        using var script = await server.Client.GetAsync(parts[2]);
        Assert.Equal(HttpStatusCode.OK, script.StatusCode);
        Assert.Equal("public, max-age=31536000, immutable", script.Headers.CacheControl!.ToString());
    }

    [Fact]
    public async Task Static_url_changes_when_the_file_changes()
    {
        var file = Path.Combine(_dir, "static", "app.js");
        File.WriteAllText(file, "v1");
        Template("url.html", "{{ static_url('app.js') }}");
        await using var server = await StartAsync();

        var first = await server.Client.GetStringAsync("/page?t=url.html");
        Assert.Equal(first, await server.Client.GetStringAsync("/page?t=url.html"));
        File.WriteAllText(file, "version two");
        Assert.NotEqual(first, await server.Client.GetStringAsync("/page?t=url.html"));
    }

    [Fact]
    public async Task Templates_are_compiled_once_unless_watched()
    {
        Template("cached.html", "one");
        Template("watched.html", "one");
        await using var server = await StartAsync();
        Assert.Equal("one", await server.Client.GetStringAsync("/page?t=cached.html"));
        Template("cached.html", "two, longer");
        Assert.Equal("one", await server.Client.GetStringAsync("/page?t=cached.html"));

        await using var watching = await StartAsync("hub.templates.watch = on");
        Assert.Equal("one", await watching.Client.GetStringAsync("/page?t=watched.html"));
        Template("watched.html", "two, longer");
        Assert.Equal("two, longer", await watching.Client.GetStringAsync("/page?t=watched.html"));
    }

    [Fact]
    public async Task A_syntax_error_is_a_500_logged_with_the_template_and_line_and_not_shown_to_the_client()
    {
        Template("broken.html", "line one\nline two\n{{ name | upcase }\n");
        await using var server = await StartAsync();
        var log = LogCapture.Start(server.System, typeof(Error));

        using var response = await server.Client.GetAsync("/page?t=broken.html");
        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain("broken.html", body);
        Assert.DoesNotContain("   at ", body);

        var line = await EventuallyAsync(() => log.Events.OfType<Error>().FirstOrDefault()?.Message.ToString());
        Assert.Contains("template 'broken.html' line 3:", line);
    }

    [Fact]
    public async Task With_hub_debug_the_error_page_shows_the_template_line_and_stack_trace()
    {
        Template("broken.html", "{% if %}");
        await using var server = await StartAsync("hub.debug = on");
        using var response = await server.Client.GetAsync("/page?t=broken.html");
        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();
        Assert.Contains("template &#39;broken.html&#39; line 1", body);
        Assert.Contains(" at ", body);
    }

    [Fact]
    public async Task A_missing_variable_is_an_error_only_when_strict()
    {
        Template("missing.html", "a\n{{ name }}\n{{ nobody }}\n");
        await using var lenient = await StartAsync();
        Assert.Equal("a\nann\n\n", await lenient.Client.GetStringAsync("/page?t=missing.html&name=ann"));

        await using var strict = await StartAsync("hub.templates.strict-variables = on");
        var log = LogCapture.Start(strict.System, typeof(Error));
        using var response = await strict.Client.GetAsync("/page?t=missing.html&name=ann");
        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        var line = await EventuallyAsync(() => log.Events.OfType<Error>().FirstOrDefault()?.Message.ToString());
        Assert.Contains("template 'missing.html' line 3:", line);
        Assert.Contains("nobody", line);
    }

    [Fact]
    public async Task A_missing_template_or_one_outside_the_path_is_a_500()
    {
        await using var server = await StartAsync();
        Assert.Equal(HttpStatusCode.InternalServerError, (await server.Client.GetAsync("/page?t=nowhere.html")).StatusCode);
        Assert.Equal(HttpStatusCode.InternalServerError, (await server.Client.GetAsync("/page?t=" + Uri.EscapeDataString("../static/x"))).StatusCode);
    }

    private static async Task<string> EventuallyAsync(Func<string?> find)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        while (true)
        {
            if (find() is { } found) return found;
            Assert.True(DateTime.UtcNow < deadline, "timed out waiting for the log line");
            await Task.Delay(20);
        }
    }
}
