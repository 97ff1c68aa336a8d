namespace Hub.Host.DemoApp;

/// <summary>GET /api?delay=S → waits S seconds (default 1), then a small JSON document, like a slow microservice.</summary>
public sealed class ApiHandler : RequestHandler
{
    public override async Task GetAsync()
    {
        var delay = QueryNumbers.Delay(this, "delay", defaultSeconds: 1);
        await Task.Delay(delay, ConnectionClosed);
        WriteJson(new ApiResponse("success", "Hello from Hub microservice"));
    }

    private sealed record ApiResponse(
        [property: System.Text.Json.Serialization.JsonPropertyName("status")] string Status,
        [property: System.Text.Json.Serialization.JsonPropertyName("data")] string Data);
}
