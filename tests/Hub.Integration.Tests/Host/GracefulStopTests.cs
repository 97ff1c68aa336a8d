using System.Net;

namespace Hub.Integration.Tests.Host;

/// <summary>What a graceful stop promises to clients whose requests are in flight.</summary>
public sealed class GracefulStopTests
{
    // Akka.IO's TcpListener stops its accepted connections when unbound, so the listener refuses new connections
    // and drains open ones before it unbinds.
    [Fact]
    public async Task A_request_in_flight_when_the_stop_begins_is_answered()
    {
        await using var host = await DemoHost.StartAsync();
        var inFlight = host.Client.GetAsync("/async?delay=1.5");
        // Let the request reach its handler before the stop begins.
        await Task.Delay(500);
        var stop = host.Host.StopAsync();
        var response = await inFlight;
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Async Response", await response.Content.ReadAsStringAsync());
        await stop.WaitAsync(TimeSpan.FromSeconds(30));
    }
}
