using System.Net;
using System.Net.Http.Headers;
using System.Net.WebSockets;
using System.Text.Json;
using Hub.Host;
using Hub.Host.Dashboard;

namespace Hub.Integration.Tests.Host.DemoApp;

/// <summary>GET /dashboard and /dashboard/feed on the real demo host: protection by configuration, and live numbers.</summary>
public sealed class DashboardRouteTests
{
    private const string Token = "open-sesame";
    private static readonly string[] TokenConfig = ["hub.host.dashboard.enabled=on", $"hub.host.dashboard.token={Token}"];

    [Fact]
    public async Task Is_not_found_unless_enabled()
    {
        await using var host = await DemoHost.StartAsync();
        Assert.Equal(HttpStatusCode.NotFound, (await host.Client.GetAsync("/dashboard")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await host.Client.GetAsync($"/dashboard/feed?token={Token}")).StatusCode);
    }

    [Fact]
    public async Task With_a_token_refuses_requests_without_it_with_a_bearer_challenge()
    {
        await using var host = await DemoHost.StartAsync(null, null, TokenConfig);
        foreach (var path in new[] { "/dashboard", "/dashboard?token=wrong", "/dashboard/feed" })
        {
            var response = await host.Client.GetAsync(path);
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Equal("Bearer", Assert.Single(response.Headers.WwwAuthenticate).Scheme);
            Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        }
    }

    [Fact]
    public async Task With_a_token_serves_the_page_to_the_query_token_or_bearer_header()
    {
        await using var host = await DemoHost.StartAsync(null, null, TokenConfig);
        var byQuery = await host.Client.GetAsync($"/dashboard?token={Token}");
        Assert.Equal(HttpStatusCode.OK, byQuery.StatusCode);
        Assert.Equal("text/html", byQuery.Content.Headers.ContentType?.MediaType);
        Assert.Contains("id=\"ws-connections\"", await byQuery.Content.ReadAsStringAsync());
        Assert.Equal("no-store", byQuery.Headers.CacheControl?.ToString());
        Assert.Equal("no-referrer", byQuery.Headers.GetValues("Referrer-Policy").Single());

        using var request = new HttpRequestMessage(HttpMethod.Get, "/dashboard");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        Assert.Equal(HttpStatusCode.OK, (await host.Client.SendAsync(request)).StatusCode);
    }

    [Fact]
    public async Task Without_a_token_serves_loopback_clients_but_not_requests_relayed_by_a_proxy()
    {
        await using var host = await DemoHost.StartAsync(null, null, "hub.host.dashboard.enabled=on");
        Assert.Equal(HttpStatusCode.OK, (await host.Client.GetAsync("/dashboard")).StatusCode);

        using var relayed = new HttpRequestMessage(HttpMethod.Get, "/dashboard");
        relayed.Headers.Add("X-Forwarded-For", "203.0.113.7");
        Assert.Equal(HttpStatusCode.Forbidden, (await host.Client.SendAsync(relayed)).StatusCode);
    }

    [Fact]
    public async Task The_feed_streams_history_then_samples_that_count_open_websockets()
    {
        await using var host = await DemoHost.StartAsync(null, null, TokenConfig);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var request = new HttpRequestMessage(HttpMethod.Get, "/dashboard/feed");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        using var response = await host.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(timeout.Token));

        var (firstEvent, _) = await ReadEventAsync(reader, timeout.Token);
        Assert.Equal("history", firstEvent);

        var sockets = new List<ClientWebSocket>();
        try
        {
            for (var i = 0; i < 3; i++)
            {
                var socket = new ClientWebSocket();
                sockets.Add(socket);
                await socket.ConnectAsync(new Uri($"ws://127.0.0.1:{host.Port}/ws"), timeout.Token);
            }
            // Samples arrive once per second; within the timeout one must see all three sockets.
            while (true)
            {
                var (name, data) = await ReadEventAsync(reader, timeout.Token);
                Assert.Equal("sample", name);
                var sample = JsonSerializer.Deserialize<DashboardSample>(data, DashboardSample.Json)!;
                Assert.True(sample.Load.HttpConnections >= 1); // the feed's own connection
                if (sample.Load.WebSocketConnections >= 3) break;
            }
        }
        finally
        {
            foreach (var socket in sockets) socket.Dispose();
        }
    }

    [Fact]
    public void Flags_turn_it_on_with_or_without_a_token()
    {
        Assert.Equal(DashboardSettings.Disabled, SettingsFor());
        Assert.Equal(new DashboardSettings(true, ""), SettingsFor("--dashboard"));
        Assert.Equal(new DashboardSettings(true, "t0k"), SettingsFor("--dashboard-token", "t0k"));
        Assert.Equal(new DashboardSettings(true, "t0k"), SettingsFor("--set", "hub.host.dashboard.enabled=on", "--set", "hub.host.dashboard.token=t0k"));
    }

    [Theory]
    [InlineData("--dashboard-token", "")]
    [InlineData("--dashboard-token", " padded ")]
    public void A_blank_or_padded_token_flag_is_a_usage_error(params string[] args) =>
        Assert.NotEmpty(new HostCommandLine().Root.Parse(args).Errors);

    /// <summary>The dashboard settings the host would run with for these flags (and the shipped hub.conf).</summary>
    private static DashboardSettings SettingsFor(params string[] args)
    {
        var commandLine = new HostCommandLine();
        var parse = commandLine.Root.Parse(args);
        Assert.Empty(parse.Errors);
        var (config, _) = HostConfiguration.Build(commandLine.Read(parse));
        return DashboardSettings.FromConfig(config);
    }

    /// <summary>The next Server-Sent Event's name and data, skipping keep-alive comments.</summary>
    internal static async Task<(string? Name, string Data)> ReadEventAsync(StreamReader reader, CancellationToken cancellationToken)
    {
        string? name = null;
        var data = new List<string>();
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            if (line.Length == 0)
            {
                if (data.Count > 0) return (name, string.Join('\n', data));
                continue;
            }
            if (line.StartsWith("event: ", StringComparison.Ordinal)) name = line["event: ".Length..];
            else if (line.StartsWith("data: ", StringComparison.Ordinal)) data.Add(line["data: ".Length..]);
        }
        throw new EndOfStreamException("the feed ended");
    }
}
