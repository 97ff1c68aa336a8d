using System.Net;

namespace Hub.Host.DemoApp;

/// <summary>
/// GET /login → a form asking for a name (with the XSRF field when hub.security.xsrf-cookies is on); POST /login
/// with the form field <c>name</c> → the signed cookie "user" and a 302 to the <c>next</c> argument (default "/";
/// only a local path, see <see cref="LocalRedirect"/>). No password: it shows the flow, not an identity provider.
/// </summary>
public sealed class LoginHandler : RequestHandler
{
    public override Task GetAsync()
    {
        var next = WebUtility.HtmlEncode(LocalRedirect.Target(GetArgument("next", "/")));
        var xsrf = Settings.Security.XsrfCookies ? XsrfFormHtml() : "";
        SetHeader("Content-Type", "text/html; charset=UTF-8");
        Write($"""
            <!doctype html>
            <html><head><meta charset="utf-8"><title>Sign in</title></head>
            <body>
            <form method="post" action="/login">
            {xsrf}<input type="hidden" name="next" value="{next}">
            <label>Name <input name="name" autofocus required></label>
            <button type="submit">Sign in</button>
            </form>
            </body></html>
            """);
        return Task.CompletedTask;
    }

    public override Task PostAsync()
    {
        var name = GetArgument("name").Trim();
        if (name.Length == 0) throw new HttpError(400, "empty name");
        SetSignedCookie(UserCookie.Name, name);
        CurrentUser = name;
        Redirect(LocalRedirect.Target(GetArgument("next", "/")));
        return Task.CompletedTask;
    }
}
