namespace Hub.Host.DemoApp;

/// <summary>GET / → "Hello, world" (Tornado's hello-world handler).</summary>
public sealed class MainHandler : RequestHandler
{
    public override Task GetAsync()
    {
        SetHeader("Content-Type", "text/plain; charset=UTF-8");
        Write("Hello, world");
        return Task.CompletedTask;
    }
}
