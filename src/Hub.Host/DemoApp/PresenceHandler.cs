using System.Text.Json.Serialization;

namespace Hub.Host.DemoApp;

/// <summary>
/// GET /presence/{room} → 200 <c>{"room":…,"members":[{"member":…,"user":…,"node":…}]}</c>: who is in the room across
/// the cluster, as the room's owner knows it.
/// </summary>
public sealed class PresenceHandler : RequestHandler
{
    public override async Task GetAsync()
    {
        var room = RouteValues["room"];
        var members = await Rooms.GetPresenceAsync(room).WaitAsync(ConnectionClosed);
        SetHeader("Cache-Control", "no-store");
        WriteJson(new PresenceView(room, members.Select(m => new MemberView(m.Member, m.User, m.Node)).ToArray()));
    }

    private sealed record PresenceView([property: JsonPropertyName("room")] string Room,
        [property: JsonPropertyName("members")] MemberView[] Members);

    private sealed record MemberView([property: JsonPropertyName("member")] string Member,
        [property: JsonPropertyName("user")] string? User,
        [property: JsonPropertyName("node")] string Node);
}
