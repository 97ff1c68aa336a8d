using Microsoft.Playwright;

namespace Hub.Browser.Tests.Support;

/// <summary>What a user does on /chat.html: wait for the socket, type and send, read the log.</summary>
public static class ChatPage
{
    /// <summary>Waits until the page's WebSocket is open (<c>#status</c> data-state "open").</summary>
    public static Task WaitOpenAsync(IPage page) => page.Locator("#status[data-state='open']").WaitForAsync();

    public static Task WaitClosedAsync(IPage page) => page.Locator("#status[data-state='closed']").WaitForAsync();

    /// <summary>Types <paramref name="text"/> into #message and submits the form with its Send button.</summary>
    public static async Task SendAsync(IPage page, string text)
    {
        await page.FillAsync("#message", text);
        await page.ClickAsync("#send");
    }

    /// <summary>Waits until a line of #log contains <paramref name="text"/>.</summary>
    public static Task SeeAsync(IPage page, string text) =>
        page.Locator("#log li", new PageLocatorOptions { HasText = text }).First.WaitForAsync();
}
