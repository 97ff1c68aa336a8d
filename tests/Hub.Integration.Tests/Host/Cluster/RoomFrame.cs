using System.Text.Json;

namespace Hub.Integration.Tests.Host.Cluster;

/// <summary>One server frame of a room endpoint (docs/rooms-protocol.md), with the fields the tests look at.</summary>
public sealed record RoomFrame(string Type, string? Epoch, long Offset, string? Text, bool? Recovered, long Missed, string? Reason, string Json)
{
    public bool IsMessage => Type == "message";

    public static RoomFrame Parse(string json)
    {
        using var doc = JsonDocument.Parse(json);
        var root = doc.RootElement;
        return new RoomFrame(
            root.GetProperty("type").GetString()!,
            root.TryGetProperty("epoch", out var epoch) ? epoch.GetString() : null,
            root.TryGetProperty("offset", out var offset) ? offset.GetInt64() : 0,
            root.TryGetProperty("text", out var text) ? text.GetString() : null,
            root.TryGetProperty("recovered", out var recovered) ? recovered.GetBoolean() : null,
            root.TryGetProperty("missed", out var missed) ? missed.GetInt64() : 0,
            root.TryGetProperty("reason", out var reason) ? reason.GetString() : null,
            json);
    }

    public override string ToString() => Json;
}
