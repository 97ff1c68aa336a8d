using System.Net;
using KestrelPeer;

// Minimal ASP.NET Core app answering `GET /` like Hub.Host's MainHandler, for bench/run.sh, plus the WebSocket
// endpoints of bench/ws on ASP.NET Core's built-in WebSockets: /ws echo (EchoEndpoint) and /chat broadcast
// (ChatEndpoint, ChatRoom, ChatClient: a bounded queue and a single writer per client).
// Same body and Content-Type as Hub.Host ("Hello, world", text/plain; charset=UTF-8) and, like Hub, a Server and a Date
// header, so both put about the same bytes on the wire (bench/run.sh records each server's header and body sizes).
// No logging providers: Hub.Host logs nothing per request either.
// Usage: dotnet KestrelPeer.dll [--port N] [--tls-port N --tls-cert PEM --tls-key PEM]   (or PORT=N in the
// environment; default 5000). Binds 127.0.0.1 only. With --tls-port, a second endpoint serves the same app over
// HTTPS/WSS (UseHttps with the PEM pair), as Hub.Host's --tls-port does (bench/tls).

var portText = PortArgument(args) ?? Environment.GetEnvironmentVariable("PORT") ?? "5000";
if (!int.TryParse(portText, out var port) || port is < 1 or > 65535)
{
    Console.Error.WriteLine($"invalid port: {portText}");
    return 2;
}

var builder = WebApplication.CreateSlimBuilder();
builder.Logging.ClearProviders();
var tlsPort = Argument(args, "--tls-port");
var tlsCert = Argument(args, "--tls-cert");
var tlsKey = Argument(args, "--tls-key");
builder.WebHost.ConfigureKestrel(kestrel =>
{
    kestrel.Listen(IPAddress.Loopback, port);
    if (tlsPort is not null && tlsCert is not null && tlsKey is not null)
    {
        var certificate = System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPemFile(tlsCert, tlsKey);
        kestrel.Listen(IPAddress.Loopback, int.Parse(tlsPort), listen =>
        {
            // HTTP/1.1 only, like Hub: the comparison is TLS + HTTP/1.1 on both sides.
            listen.Protocols = Microsoft.AspNetCore.Server.Kestrel.Core.HttpProtocols.Http1;
            listen.UseHttps(certificate);
        });
    }
});

builder.Services.AddSingleton<ChatRoom>();

var app = builder.Build();
// Keep-alive pings every 2 minutes: ASP.NET Core's default, equal to Hub's hub.websocket.ping-interval.
app.UseWebSockets(new WebSocketOptions { KeepAliveInterval = TimeSpan.FromMinutes(2) });
app.MapGet("/", () => Results.Text("Hello, world", "text/plain; charset=UTF-8"));
app.Map("/ws", EchoEndpoint.HandleAsync);
app.Map("/chat", (HttpContext context, ChatRoom room) => ChatEndpoint.HandleAsync(context, room));

// bench/run.sh waits for `GET /` to answer; this line is for a human watching the console.
app.Lifetime.ApplicationStarted.Register(() => Console.WriteLine($"listening on 127.0.0.1:{port}"));
await app.RunAsync();
return 0;

static string? PortArgument(string[] argv) => Argument(argv, "--port");

static string? Argument(string[] argv, string name)
{
    var i = Array.IndexOf(argv, name);
    return i >= 0 && i + 1 < argv.Length ? argv[i + 1] : null;
}
