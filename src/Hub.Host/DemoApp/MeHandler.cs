using System.Text.Json;

namespace Hub.Host.DemoApp;

/// <summary>
/// GET /me → <c>{"user": "&lt;name&gt;"}</c> for a signed-in user; without one, [Authenticated] redirects (302) to
/// <c>/login?next=%2Fme</c> (hub.security.login-url in hocon/hub.conf).
/// </summary>
[Authenticated]
public sealed class MeHandler : RequestHandler
{
    public override Task<string?> GetCurrentUserAsync() => UserCookie.Read(this);

    public override Task GetAsync()
    {
        SetHeader("Cache-Control", "no-store");
        SetHeader("Content-Type", "application/json; charset=UTF-8");
        // Written as documented, {"user": "ann"} (Tornado's json_encode spacing); the name is JSON-escaped.
        Write("{\"user\": " + JsonSerializer.Serialize(CurrentUser) + "}");
        return Task.CompletedTask;
    }
}
