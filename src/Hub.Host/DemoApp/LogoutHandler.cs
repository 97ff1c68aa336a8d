namespace Hub.Host.DemoApp;

/// <summary>POST /logout → clears the "user" cookie and redirects (302) to "/".</summary>
public sealed class LogoutHandler : RequestHandler
{
    public override Task PostAsync()
    {
        ClearCookie(UserCookie.Name);
        Redirect("/");
        return Task.CompletedTask;
    }
}
