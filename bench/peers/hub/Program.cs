using System.Runtime.InteropServices;
using Akka.Actor;
using Akka.Configuration;
using Hub;
using Hub.Configuration;
using HubPeer;

// Hub's WebSocket bench server for bench/ws: GET / → "Hello, world", /ws echo, /chat broadcast; 127.0.0.1 only.
// Usage: dotnet HubPeer.dll [--port N]   (or PORT=N in the environment; default 5000); HUB_TRANSPORT=sockets for
// Hub's own socket transport.
// Configuration, highest priority first: bench-hub.conf, Hub.Host's hocon/hub.conf (the same Akka settings as the
// demo host: dispatcher throughput, no dead-letter logging), Hub's reference.conf.
// Stops on SIGTERM or SIGINT through CoordinatedShutdown (bench/run.sh stops it by PID with SIGTERM).

var portText = PortArgument(args) ?? Environment.GetEnvironmentVariable("PORT") ?? "5000";
if (!int.TryParse(portText, out var port) || port is < 1 or > 65535)
{
    Console.Error.WriteLine($"invalid port: {portText}");
    return 2;
}

var config = ParseFile("bench-hub.conf")
    .WithFallback(ParseFile(Path.Combine("hocon", "hub.conf")))
    .WithFallback(HubSettings.DefaultConfig());
// HUB_TRANSPORT=sockets|akka-io picks hub.transport (bench/run.sh's "hub-sockets" server sets it).
if (Environment.GetEnvironmentVariable("HUB_TRANSPORT") is { Length: > 0 } transport)
    config = ConfigurationFactory.ParseString($"hub.transport = {transport}").WithFallback(config);
var settings = HubSettings.FromConfig(config);
settings = settings with { Server = settings.Server with { Hostname = "127.0.0.1", Port = port } };

var app = new Application(routes => routes
    .Map<HelloHandler>("/")
    .Map<EchoSocket>("/ws")
    .Map<ChatSocket>("/chat"));

var system = ActorSystem.Create("bench", config);
var stop = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
void OnSignal(PosixSignalContext context)
{
    context.Cancel = true;   // the runtime must not exit before CoordinatedShutdown has run
    stop.TrySetResult();
}
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);

try
{
    var binding = await HubServer.StartAsync(system, app, settings);
    Console.WriteLine($"listening on {binding.LocalAddress}");
}
catch (Exception e)
{
    Console.Error.WriteLine($"cannot listen on 127.0.0.1:{port}: {e.Message}");
    await system.Terminate().WaitAsync(TimeSpan.FromSeconds(10));
    return 1;
}

await Task.WhenAny(stop.Task, system.WhenTerminated);
await CoordinatedShutdown.Get(system).Run(CoordinatedShutdown.ClrExitReason.Instance).WaitAsync(TimeSpan.FromSeconds(30));
return 0;

static Config ParseFile(string relativePath) =>
    ConfigurationFactory.ParseString(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, relativePath)));

static string? PortArgument(string[] argv)
{
    var i = Array.IndexOf(argv, "--port");
    return i >= 0 && i + 1 < argv.Length ? argv[i + 1] : null;
}
