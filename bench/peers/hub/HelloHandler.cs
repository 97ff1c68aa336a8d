namespace HubPeer;

/// <summary>GET / → "Hello, world", like Hub.Host's MainHandler: bench/run.sh polls it to know the server is up.</summary>
public sealed class HelloHandler : Hub.RequestHandler
{
    public override Task GetAsync()
    {
        SetHeader("Content-Type", "text/plain; charset=UTF-8");
        Write("Hello, world");
        return Task.CompletedTask;
    }
}
