using Akka.Actor;
using Akka.Hosting;
using Hub.Hosting;
using Hub.Server.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Hub.Hosting.Tests.Support;

/// <summary>
/// A real generic host (HostApplicationBuilder) running Hub through <c>WithHub</c> on 127.0.0.1 and an ephemeral port.
/// Disposing stops the host (CoordinatedShutdown) if the test has not already.
/// </summary>
internal sealed class HostedHub : IAsyncDisposable
{
    public static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    private HostedHub(IHost host, HubEndpoint endpoint)
    {
        Host = host;
        Endpoint = endpoint;
        Client = new HttpClient { BaseAddress = endpoint.BaseAddress, Timeout = Bound };
    }

    public IHost Host { get; }

    public HubEndpoint Endpoint { get; }

    public HttpClient Client { get; }

    public ActorSystem System => Host.Services.GetRequiredService<ActorSystem>();

    public static async Task<HostedHub> StartAsync(
        Application app,
        Action<IServiceCollection>? services = null,
        Action<AkkaConfigurationBuilder>? akka = null,
        Action<HubHostingOptions>? hub = null)
    {
        var host = Build(app, services, akka, hub);
        using var cts = new CancellationTokenSource(Bound);
        await host.StartAsync(cts.Token);
        return new HostedHub(host, host.Services.GetRequiredService<HubEndpoint>());
    }

    /// <summary>The host, built but not started.</summary>
    public static IHost Build(
        Application app,
        Action<IServiceCollection>? services = null,
        Action<AkkaConfigurationBuilder>? akka = null,
        Action<HubHostingOptions>? hub = null)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        services?.Invoke(builder.Services);
        builder.Services.AddHubServices();
        builder.Services.AddAkka("app", akkaBuilder =>
        {
            akka?.Invoke(akkaBuilder);
            akkaBuilder.WithHub(app, options =>
            {
                options.Hostname = "127.0.0.1";
                options.Port = 0;
                hub?.Invoke(options);
            });
        });
        return builder.Build();
    }

    public async Task StopAsync()
    {
        using var cts = new CancellationTokenSource(Bound);
        await Host.StopAsync(cts.Token).WaitAsync(Bound);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await StopAsync();
        Host.Dispose();
    }
}
