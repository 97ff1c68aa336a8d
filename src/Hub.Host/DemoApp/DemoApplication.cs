using Akka.Actor;
using Hub.Host.Dashboard;

namespace Hub.Host.DemoApp;

/// <summary>
/// The demo's routes. Shared by Hub.Host and the integration tests, which start the very same application in-process.
/// <code>
/// var state = new ServerState();
/// var binding = await HubServer.StartAsync(system, DemoApplication.Create(new DemoOptions(), system, state));
/// state.Attach(binding);
/// </code>
/// </summary>
public static class DemoApplication
{
    /// <summary>The pages and static files shipped next to the host binary (src/Hub.Host/wwwroot).</summary>
    public static string WebRoot => Path.Combine(AppContext.BaseDirectory, "wwwroot");

    /// <summary>
    /// Builds the application and starts its item store as the actor "item-store" under <paramref name="system"/>'s
    /// user guardian (so call it once per ActorSystem). With the dashboard enabled it also starts the
    /// <see cref="DashboardCollector"/> (stopped by CoordinatedShutdown) and maps /dashboard and /dashboard/feed.
    /// </summary>
    public static Application Create(DemoOptions options, ActorSystem system, ServerState state)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(system);
        ArgumentNullException.ThrowIfNull(state);
        var store = system.ActorOf(ItemStoreActor.Props(), "item-store");
        var dashboard = options.Dashboard.Enabled ? StartCollector(system, state) : null;
        return new Application(r =>
        {
            r.Map<MainHandler>("/")
             .Map<AsyncHandler>("/async")
             .Map<ApiHandler>("/api")
             .Map<LoginHandler>("/login")
             .Map<LogoutHandler>("/logout")
             .Map<MeHandler>("/me")
             .Map<StreamHandler>("/stream")
             .Map<ItemsHandler>("/items", name: "items", store)
             .Map<ItemHandler>("/items/{id}", name: "item", store)
             .Map<ProxyHandler>("/proxy", name: null, options)
             .Map<HealthHandler>("/health", null, state, system)
             .Map<EchoSocket>("/ws")
             .Map<ChatSocket>("/chat")
             .Map<ChatEventsHandler>("/events")
             .Map<PresenceHandler>("/presence/{room}")
             .MapRoom("/rooms/{room}")
             .Map<ChatPageHandler>("/chat.html")
             .Map<StaticFileHandler>("/static/{*path}", null, Path.Combine(WebRoot, "static"), "index.html");
            if (dashboard is not null)
                r.Map<DashboardPageHandler>("/dashboard", null, options.Dashboard, WebRoot)
                 .Map<DashboardFeedHandler>("/dashboard/feed", null, options.Dashboard, dashboard);
        });
    }

    private static DashboardCollector StartCollector(ActorSystem system, ServerState state)
    {
        var collector = new DashboardCollector(system, state.Binding);
        CoordinatedShutdown.Get(system).AddTask(CoordinatedShutdown.PhaseBeforeActorSystemTerminate, "stop-dashboard-collector", async () =>
        {
            await collector.DisposeAsync();
            return Akka.Done.Instance;
        });
        return collector;
    }
}
