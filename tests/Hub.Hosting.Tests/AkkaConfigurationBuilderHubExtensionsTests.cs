using System.Net;
using System.Net.Sockets;
using Akka.Actor;
using Akka.DependencyInjection;
using Akka.Hosting;
using Hub.Hosting.Tests.Support;
using Hub.Server.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace Hub.Hosting.Tests;

public class AkkaConfigurationBuilderHubExtensionsTests
{
    [Fact]
    public async Task Get_is_served_by_a_handler_whose_constructor_gets_a_service_from_the_host()
    {
        var app = new Application(r => r.Map<GreetingHandler>("/"));
        await using var hub = await HostedHub.StartAsync(app, services => services.AddSingleton<Greeter>());

        var response = await hub.Client.GetAsync("/");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Hello, handler, from the container", await response.Content.ReadAsStringAsync());
        Assert.Same(hub.Host.Services.GetRequiredService<Greeter>(), app.Services!.GetRequiredService<Greeter>());
    }

    [Fact]
    public async Task The_containers_rooms_are_the_actor_systems_rooms_and_the_endpoint_has_the_real_port()
    {
        var app = new Application(r => r.Map<GreetingHandler>("/"));
        await using var hub = await HostedHub.StartAsync(app);

        Assert.Same(HubExtension.Get(hub.System).Rooms, hub.Host.Services.GetRequiredService<IRooms>());
        Assert.NotEqual(0, hub.Endpoint.Port);
        Assert.Equal(IPAddress.Loopback, ((IPEndPoint)hub.Endpoint.LocalAddress).Address);
        Assert.Equal(hub.Endpoint.Port, (await hub.Endpoint.WhenBound).Port);
    }

    [Fact]
    public async Task An_apps_actor_publishes_into_a_room_that_a_websocket_client_joined()
    {
        var app = new Application(r => r.Map<LobbySocket>("/lobby"));
        await using var hub = await HostedHub.StartAsync(app, akka: akka => akka.WithActors((system, registry, resolver) =>
            registry.Register<Announcer>(system.ActorOf(resolver.Props<Announcer>(), "announcer"))));
        using var ws = await WebSocketClient.ConnectAsync(hub.Endpoint, "/lobby");
        await WebSocketClient.WaitForSubscriberAsync(hub.Host.Services.GetRequiredService<IRooms>(), "lobby");

        var announcer = await hub.Host.Services.GetRequiredService<IRequiredActor<Announcer>>().GetAsync();
        announcer.Tell(new Announcer.Announce("lobby", "doors open at nine"));

        Assert.Contains("doors open at nine", await ws.ReceiveTextAsync());
    }

    [Fact]
    public async Task A_websocket_handler_sends_to_an_apps_actor_it_resolves_from_the_container()
    {
        var deliveries = new Deliveries();
        var app = new Application(r => r.Map<MailroomSocket>("/mailroom"));
        await using var hub = await HostedHub.StartAsync(app,
            services => services.AddSingleton(deliveries),
            akka => akka.WithActors((system, registry, resolver) =>
                registry.Register<Mailroom>(system.ActorOf(resolver.Props<Mailroom>(), "mailroom"))));
        using var ws = await WebSocketClient.ConnectAsync(hub.Endpoint, "/mailroom");

        await ws.SendTextAsync("order #42 shipped");

        Assert.Equal("order #42 shipped", await deliveries.Received.Task.WaitAsync(HostedHub.Bound));
    }

    [Fact]
    public async Task Stopping_the_host_closes_the_listener()
    {
        var app = new Application(r => r.Map<GreetingHandler>("/"));
        await using var hub = await HostedHub.StartAsync(app, services => services.AddSingleton<Greeter>());
        var port = hub.Endpoint.Port;
        Assert.Equal(HttpStatusCode.OK, (await hub.Client.GetAsync("/")).StatusCode);

        await hub.StopAsync();

        using var client = new TcpClient();
        var refused = await Assert.ThrowsAsync<SocketException>(() => client.ConnectAsync(IPAddress.Loopback, port).WaitAsync(HostedHub.Bound));
        Assert.Equal(SocketError.ConnectionRefused, refused.SocketErrorCode);
    }

    [Fact]
    public async Task Stopping_the_host_lets_an_in_flight_request_finish()
    {
        var gate = new Gate();
        var app = new Application(r => r.Map<HeldUntilStopHandler>("/held"));
        await using var hub = await HostedHub.StartAsync(app, services => services.AddSingleton(gate));
        var response = hub.Client.GetAsync("/held");
        await gate.Entered.Task.WaitAsync(HostedHub.Bound);

        var stopping = hub.StopAsync();
        var answered = await response.WaitAsync(HostedHub.Bound);

        Assert.Equal(HttpStatusCode.OK, answered.StatusCode);
        Assert.Equal("finished while stopping", await answered.Content.ReadAsStringAsync());
        Assert.True(answered.Headers.ConnectionClose);
        await stopping;
    }

    [Fact]
    public async Task Hocon_from_the_options_reaches_hubs_settings()
    {
        var app = new Application(r => r.Map<GreetingHandler>("/"));
        await using var hub = await HostedHub.StartAsync(app, services => services.AddSingleton<Greeter>(),
            hub: o => o.Hocon = "hub.http.server-header = Embedded");

        var response = await hub.Client.GetAsync("/");

        Assert.Equal("Embedded", response.Headers.Server.ToString());
    }

    [Fact]
    public async Task The_shutdown_phase_that_drains_is_stretched_to_fit_the_drain_timeout()
    {
        var app = new Application(r => r.Map<GreetingHandler>("/"));
        await using var hub = await HostedHub.StartAsync(app, hub: o => o.Hocon = "hub.shutdown.drain-timeout = 20s");

        var phase = hub.System.Settings.Config.GetTimeSpan("akka.coordinated-shutdown.phases.service-requests-done.timeout");

        Assert.True(phase >= TimeSpan.FromSeconds(20), $"service-requests-done is {phase}");
    }

    [Fact]
    public async Task A_port_already_in_use_fails_the_host_start_and_the_endpoint()
    {
        using var occupant = new TcpListener(IPAddress.Loopback, 0);
        occupant.Start();
        var taken = ((IPEndPoint)occupant.LocalEndpoint).Port;
        var app = new Application(r => r.Map<GreetingHandler>("/"));
        using var host = HostedHub.Build(app, hub: o => o.Port = taken);
        using var cts = new CancellationTokenSource(HostedHub.Bound);

        await Assert.ThrowsAnyAsync<Exception>(() => host.StartAsync(cts.Token));

        var endpoint = host.Services.GetRequiredService<HubEndpoint>();
        Assert.True(endpoint.WhenBound.IsFaulted);
        Assert.Throws<InvalidOperationException>(() => endpoint.Port);
    }

    [Fact]
    public async Task An_application_with_its_own_provider_keeps_it_when_host_services_are_off()
    {
        var own = new ServiceCollection().AddSingleton<Greeter>().BuildServiceProvider();
        var app = new Application(r => r.Map<GreetingHandler>("/"), own);
        await using var hub = await HostedHub.StartAsync(app, hub: o => o.UseHostServices = false);

        var response = await hub.Client.GetAsync("/");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Same(own, app.Services);
    }

    [Fact]
    public async Task An_application_with_its_own_provider_fails_the_host_start_rather_than_swap_providers()
    {
        var app = new Application(r => r.Map<GreetingHandler>("/"), new ServiceCollection().BuildServiceProvider());
        using var host = HostedHub.Build(app);
        using var cts = new CancellationTokenSource(HostedHub.Bound);

        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => host.StartAsync(cts.Token));

        Assert.Contains("already has a service provider", e.Message);
    }
}
