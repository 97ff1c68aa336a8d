namespace Hub.Host.DemoApp;

/// <summary>
/// The demo's login: the user's name in the signed cookie "user" (Tornado's blog demo). Handlers that want the user
/// return <see cref="Read"/> from their <c>GetCurrentUserAsync</c>.
/// </summary>
public static class UserCookie
{
    public const string Name = "user";

    /// <summary>The signed-in user's name, or null. Without cookie secrets (an application built outside the host)
    /// nobody can be signed in, rather than every request failing.</summary>
    public static Task<string?> Read(RequestHandler handler) =>
        Task.FromResult(handler.Settings.Security.CookieSecrets.Count == 0 ? null : handler.GetSignedCookie(Name));
}
