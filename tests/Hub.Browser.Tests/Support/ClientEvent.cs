using System.Text.Json;

namespace Hub.Browser.Tests.Support;

/// <summary>
/// One event of a JS <c>HubRoomClient</c> as /static/client-demo.html records it (clients/js/README.md, "Events"):
/// the fields the tests look at, null where the event has none (<see cref="Binary"/>: the page sends a message's
/// <c>Uint8Array</c> as an array of numbers).
/// </summary>
public sealed record ClientEvent(
    string Type,
    string? Position,
    string? Epoch,
    long? Offset,
    string? Text,
    bool? Recovered,
    long? Missed,
    string? Reason,
    string? Cause,
    string? Since,
    int? Code,
    string? Protocol,
    string? Member,
    string? User,
    string? Event,
    byte[]? Binary)
{
    public static ClientEvent From(JsonElement e) => new(
        e.GetProperty("type").GetString()!,
        String(e, "position"),
        String(e, "epoch"),
        Number(e, "offset"),
        String(e, "text"),
        e.TryGetProperty("recovered", out var r) && r.ValueKind is JsonValueKind.True or JsonValueKind.False ? r.GetBoolean() : null,
        Number(e, "missed"),
        String(e, "reason"),
        String(e, "cause"),
        String(e, "since"),
        (int?)Number(e, "code"),
        String(e, "protocol"),
        String(e, "member"),
        String(e, "user"),
        String(e, "event"),
        e.TryGetProperty("binary", out var b) && b.ValueKind == JsonValueKind.Array ? [.. b.EnumerateArray().Select(x => x.GetByte())] : null);

    private static string? String(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static long? Number(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetInt64() : null;
}
