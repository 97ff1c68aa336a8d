using System.Net;
using Hub.Integration.Tests.Support;

namespace Hub.Integration.Tests.Handlers;

public sealed class ConcurrencyTests
{
    private const int Requests = 500;

    /// <summary>Holds every request until all of them are being handled at once.</summary>
    private sealed class Gate
    {
        private readonly TaskCompletionSource _allIn = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _waiting;

        public Task ArriveAsync()
        {
            if (Interlocked.Increment(ref _waiting) == Requests) _allIn.TrySetResult();
            return _allIn.Task;
        }
    }

    private sealed class Gated(Gate gate) : RequestHandler
    {
        public override async Task GetAsync()
        {
            await gate.ArriveAsync().WaitAsync(ConnectionClosed);
            Write(GetArgument("i"));
        }
    }

    [Fact]
    public async Task Five_hundred_requests_that_wait_for_each_other_are_all_handled_at_once()
    {
        // No handler can finish before all 500 are in their handlers at the same time: if handlers blocked each
        // other (or connections were served one by one) this would never complete. No clock is involved.
        var gate = new Gate();
        await using var server = await TestServer.StartAsync(r => r.Map("/gated", () => new Gated(gate)));
        using var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = Requests, UseCookies = false })
        {
            BaseAddress = server.BaseUri,
            Timeout = TimeSpan.FromSeconds(60),
        };
        var requests = Enumerable.Range(0, Requests).Select(async i =>
        {
            var response = await client.GetAsync($"/gated?i={i}");
            return (response.StatusCode, Body: await response.Content.ReadAsStringAsync(), Expected: i.ToString());
        }).ToArray();
        var results = await Task.WhenAll(requests);
        Assert.All(results, r =>
        {
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
            Assert.Equal(r.Expected, r.Body);
        });
    }
}
