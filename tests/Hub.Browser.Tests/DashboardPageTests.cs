using System.Net.WebSockets;
using Hub.Browser.Tests.Support;
using Microsoft.Playwright;

namespace Hub.Browser.Tests;

[Collection(BrowserCollection.Name)]
public sealed class DashboardPageTests(ChromiumFixture chromium)
{
    [Fact]
    public Task Shows_the_websocket_count_rising_as_clients_connect() =>
        BrowserSession.RunAsync(chromium.Browser, nameof(Shows_the_websocket_count_rising_as_clients_connect), async session =>
        {
            // No token: served to loopback clients, which the browser is.
            var host = await session.StartHostAsync(overrides: "hub.host.dashboard.enabled=on");
            var page = await session.NewPageAsync(new Uri(host.Url, "/dashboard"));
            await page.Locator("#status[data-state='open']").WaitForAsync();

            const int clients = 5;
            var sockets = new List<ClientWebSocket>();
            try
            {
                for (var i = 0; i < clients; i++)
                {
                    var socket = new ClientWebSocket();
                    sockets.Add(socket);
                    await socket.ConnectAsync(new Uri($"ws://127.0.0.1:{host.Port}/ws"), CancellationToken.None);
                }
                await page.WaitForFunctionAsync(
                    "n => Number(document.getElementById('ws-connections').textContent.replace(/,/g, '')) >= n", clients);
            }
            finally
            {
                foreach (var socket in sockets) socket.Dispose();
            }
        });

    [Fact]
    public Task With_a_token_the_page_needs_it_and_passes_it_to_its_feed() =>
        BrowserSession.RunAsync(chromium.Browser, nameof(With_a_token_the_page_needs_it_and_passes_it_to_its_feed), async session =>
        {
            var host = await session.StartHostAsync(overrides: ["hub.host.dashboard.enabled=on", "hub.host.dashboard.token=open-sesame"]);
            var refused = await session.NewPageAsync(new Uri(host.Url, "/dashboard?token=wrong"));
            var response = await refused.ReloadAsync();
            Assert.Equal(401, response?.Status);

            var page = await session.NewPageAsync(new Uri(host.Url, "/dashboard?token=open-sesame"));
            await page.Locator("#status[data-state='open']").WaitForAsync();
            // The page's own connection is an open HTTP connection of the server: the numbers come from the feed.
            await page.WaitForFunctionAsync("() => Number(document.getElementById('http-connections').textContent) >= 1");
        });
}
