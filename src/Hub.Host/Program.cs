using Akka.Actor;
using Akka.Configuration;
using Hub;
using Hub.Configuration;

var config = HubSettings.LoadConfig(Path.Combine(AppContext.BaseDirectory, "hocon", "hub.conf"));
var system = ActorSystem.Create("hub", config);
var app = new Application(r => r.Map<MainHandler>("/"));
var binding = await HubServer.StartAsync(system, app);
Console.WriteLine($"listening on {binding.LocalAddress}");
await system.WhenTerminated;

sealed class MainHandler : RequestHandler
{
    public override Task GetAsync() { Write("Hello, world"); return Task.CompletedTask; }
}
