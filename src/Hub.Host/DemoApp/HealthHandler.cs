using System.Text.Json.Serialization;

namespace Hub.Host.DemoApp;

/// <summary>
/// GET /health → 200 <c>{"status":"ok","uptime":seconds,"connections":open}</c>, for load balancers and humans.
/// The connection count comes from the listener actor and includes the connection asking.
/// </summary>
public sealed class HealthHandler(ServerState state) : RequestHandler
{
    public override async Task GetAsync()
    {
        HubBinding binding;
        try
        {
            binding = await state.Binding.WaitAsync(TimeSpan.FromSeconds(5), ConnectionClosed);
        }
        catch (TimeoutException)
        {
            throw new HttpError(503, "the server has not finished starting");
        }
        var connections = await binding.GetOpenConnectionsAsync().WaitAsync(ConnectionClosed);
        SetHeader("Cache-Control", "no-store");
        WriteJson(new Health("ok", Math.Round(state.Uptime.TotalSeconds, 3), connections));
    }

    private sealed record Health(
        [property: JsonPropertyName("status")] string Status,
        [property: JsonPropertyName("uptime")] double Uptime,
        [property: JsonPropertyName("connections")] int Connections);
}
