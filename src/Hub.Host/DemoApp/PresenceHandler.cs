using System.Text.Json.Serialization;

namespace Hub.Host.DemoApp;

/// <summary>
/// GET /presence/{room} → 200, a JSON list <c>[{"member":…,"user":…,"node":…}]</c>: who is in the room across the
/// cluster, as the room's owner knows it (an empty list for a room nobody is in).
/// </summary>
public sealed class PresenceHandler : RequestHandler
{
    public override async Task GetAsync()
    {
        var room = RouteValues["room"];
        var members = await Rooms.GetPresenceAsync(room).WaitAsync(ConnectionClosed);
        SetHeader("Cache-Control", "no-store");
        WriteJson(members.Select(m => new MemberView(m.Member, m.User, m.Node)).ToArray());
    }

    private sealed record MemberView([property: JsonPropertyName("member")] string Member,
        [property: JsonPropertyName("user")] string? User,
        [property: JsonPropertyName("node")] string Node);
}
