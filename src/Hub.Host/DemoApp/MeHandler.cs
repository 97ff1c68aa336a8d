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
        WriteJson(new { user = CurrentUser });
        return Task.CompletedTask;
    }
}
