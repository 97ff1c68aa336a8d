using System.Text.Json;
using Microsoft.Playwright;

namespace Hub.Browser.Tests.Support;

/// <summary>
/// /static/client-demo.html, which imports the JS room client (clients/js) from /static/hub-client/index.js and
/// exposes <c>window.demo</c>: clients made there by label, their recorded events, and a way to drop a client's socket
/// or keep it offline (new sockets fail at once) without the client knowing.
/// </summary>
public static class ClientDemoPage
{
    /// <summary>Opens the page in a fresh browser context and waits until its module (and so the client) loaded.</summary>
    public static async Task<IPage> OpenAsync(BrowserSession session, BrowserHost host)
    {
        var page = await session.NewPageAsync(new Uri(host.Url, "/static/client-demo.html"));
        await page.Locator("body[data-ready='true']").WaitForAsync();
        return page;
    }

    /// <summary>A client of room endpoint <paramref name="path"/>; <paramref name="options"/> are HubRoomClient options.</summary>
    public static Task ConnectAsync(IPage page, string label, string path, object? options = null) =>
        page.EvaluateAsync("([label, path, options]) => void demo.connect(label, path, options ?? {})", new object?[] { label, path, options });

    /// <summary>Waits until client <paramref name="label"/> emitted at least <paramref name="count"/> events of <paramref name="type"/>.</summary>
    public static Task WaitForAsync(IPage page, string label, string type, int count = 1) =>
        page.WaitForFunctionAsync("([label, type, count]) => demo.events(label, type).length >= count", new object[] { label, type, count });

    /// <summary>Waits for the client's <paramref name="count"/>-th event of <paramref name="type"/> and returns it.</summary>
    public static async Task<ClientEvent> NextAsync(IPage page, string label, string type, int count = 1)
    {
        await WaitForAsync(page, label, type, count);
        return (await EventsAsync(page, label, type))[count - 1];
    }

    /// <summary>Every event of client <paramref name="label"/> (of <paramref name="type"/> if given), oldest first.</summary>
    public static async Task<IReadOnlyList<ClientEvent>> EventsAsync(IPage page, string label, string? type = null)
    {
        var events = await page.EvaluateAsync<JsonElement>("([label, type]) => demo.events(label, type ?? undefined)", new[] { label, type });
        return [.. events.EnumerateArray().Select(ClientEvent.From)];
    }

    public static Task PublishAsync(IPage page, string label, string text) =>
        page.EvaluateAsync("([label, text]) => void demo.client(label).publish(text)", new[] { label, text });

    /// <summary>Closes the client for good (<c>close()</c>): no reconnect.</summary>
    public static Task CloseAsync(IPage page, string label) => page.EvaluateAsync("label => demo.client(label).close()", label);

    /// <summary>The client's <c>position</c>: what its next connection resumes from.</summary>
    public static Task<string?> PositionAsync(IPage page, string label) =>
        page.EvaluateAsync<string?>("label => demo.client(label).position", label);

    /// <summary>Closes the client's current socket from the page, as a network drop would.</summary>
    public static Task DropAsync(IPage page, string label) => page.EvaluateAsync("label => demo.drop(label)", label);

    /// <summary>While offline, every socket the client tries to open fails at once, so it keeps retrying.</summary>
    public static Task SetOfflineAsync(IPage page, string label, bool offline) =>
        page.EvaluateAsync("([label, offline]) => demo.setOffline(label, offline)", new object[] { label, offline });

    /// <summary>Pongs (answers to the client's keepalive pings) its sockets received.</summary>
    public static Task<int> PongsAsync(IPage page, string label) => page.EvaluateAsync<int>("label => demo.stats(label).pongs", label);

    /// <summary>Sockets the client opened so far (1 + its reconnects).</summary>
    public static Task<int> SocketsAsync(IPage page, string label) => page.EvaluateAsync<int>("label => demo.stats(label).sockets", label);

    /// <summary>A room of its own for one test: /rooms/e2e-…</summary>
    public static string NewRoomPath() => $"/rooms/e2e-{Guid.NewGuid():N}";
}
