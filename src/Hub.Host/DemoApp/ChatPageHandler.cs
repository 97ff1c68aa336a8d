namespace Hub.Host.DemoApp;

/// <summary>
/// GET /chat.html: the chat page, rendered from templates/chat.html. It loads the room client from
/// <c>static_url('hub-client/index.js')</c> (a versioned URL) and shows the signed-in user's name.
/// </summary>
public sealed class ChatPageHandler : RequestHandler
{
    public override Task<string?> GetCurrentUserAsync() => UserCookie.Read(this);

    public override Task GetAsync()
    {
        // The page is rendered per request (the user, the script's version): browsers revalidate it, not the script.
        SetHeader("Cache-Control", "no-cache");
        Render("chat.html");
        return Task.CompletedTask;
    }
}
