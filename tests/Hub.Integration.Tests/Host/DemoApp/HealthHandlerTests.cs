using System.Net;
using System.Text.Json;

namespace Hub.Integration.Tests.Host.DemoApp;

public sealed class HealthHandlerTests
{
    private static async Task<JsonElement> GetHealthAsync(DemoHost host)
    {
        var response = await host.Client.GetAsync("/health");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
    }

    [Fact]
    public async Task Reports_status_uptime_and_connections()
    {
        await using var host = await DemoHost.StartAsync();
        var health = await GetHealthAsync(host);
        Assert.Equal("ok", health.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Number, health.GetProperty("uptime").ValueKind);
        Assert.True(health.GetProperty("uptime").GetDouble() >= 0);
        // The asking connection itself is open.
        Assert.True(health.GetProperty("connections").GetInt32() >= 1);
        Assert.True(health.GetProperty("gcHeapBytes").GetInt64() > 0, health.ToString());
    }

    [Fact]
    public async Task Counts_open_connections()
    {
        await using var host = await DemoHost.StartAsync();
        var idle = new List<Support.RawConnection>();
        try
        {
            for (var i = 0; i < 3; i++)
            {
                var conn = await host.ConnectAsync();
                idle.Add(conn);
                // A full exchange proves the server has accepted the connection before counting.
                await conn.SendAsync("GET / HTTP/1.1\r\nHost: t\r\n\r\n");
                Assert.Equal(200, (await conn.ReadResponseAsync()).Status);
            }
            var health = await GetHealthAsync(host);
            Assert.True(health.GetProperty("connections").GetInt32() >= 4, health.ToString());
        }
        finally
        {
            foreach (var conn in idle) conn.Dispose();
        }
    }

    [Fact]
    public async Task Uptime_grows()
    {
        await using var host = await DemoHost.StartAsync();
        var first = (await GetHealthAsync(host)).GetProperty("uptime").GetDouble();
        await Task.Delay(300);
        var second = (await GetHealthAsync(host)).GetProperty("uptime").GetDouble();
        Assert.True(second > first, $"{second} after {first}");
    }
}
