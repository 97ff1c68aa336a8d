using Hub.Browser.Tests.Support;

namespace Hub.Browser.Tests;

[Collection(BrowserCollection.Name)]
public sealed class ChatPageTests(ChromiumFixture chromium)
{
    [Fact]
    public Task Two_pages_exchange_messages_both_ways() =>
        BrowserSession.RunAsync(chromium.Browser, nameof(Two_pages_exchange_messages_both_ways), async session =>
        {
            var host = await session.StartHostAsync();
            var alice = await session.NewPageAsync(new Uri(host.Url, "/chat.html"));
            var bob = await session.NewPageAsync(new Uri(host.Url, "/chat.html"));
            await ChatPage.WaitOpenAsync(alice);
            await ChatPage.WaitOpenAsync(bob);

            await ChatPage.SendAsync(alice, "hello from alice");
            await ChatPage.SeeAsync(bob, "hello from alice");

            await ChatPage.SendAsync(bob, "hi alice, bob here");
            await ChatPage.SeeAsync(alice, "hi alice, bob here");
        });

    [Fact]
    public Task A_page_reconnects_after_the_server_restarts_on_the_same_port() =>
        BrowserSession.RunAsync(chromium.Browser, nameof(A_page_reconnects_after_the_server_restarts_on_the_same_port), async session =>
        {
            var first = await session.StartHostAsync();
            var port = first.Port;
            var url = new Uri(first.Url, "/chat.html");
            var page = await session.NewPageAsync(url);
            await ChatPage.WaitOpenAsync(page);
            await ChatPage.SendAsync(page, "before the restart");
            await ChatPage.SeeAsync(page, "before the restart");

            await first.DisposeAsync();
            await ChatPage.WaitClosedAsync(page);

            await session.RestartHostAsync(port);
            await ChatPage.WaitOpenAsync(page);
            await ChatPage.SendAsync(page, "after the restart");
            await ChatPage.SeeAsync(page, "after the restart");
        });

    [Fact]
    public Task Two_pages_served_over_https_chat_over_wss() =>
        BrowserSession.RunAsync(chromium.Browser, nameof(Two_pages_served_over_https_chat_over_wss), async session =>
        {
            var host = await session.StartTlsHostAsync(chromium.Certificate);
            Assert.Equal("https", host.TlsUrl.Scheme);
            var alice = await session.NewPageAsync(new Uri(host.TlsUrl, "/chat.html"));
            var bob = await session.NewPageAsync(new Uri(host.TlsUrl, "/chat.html"));
            await ChatPage.WaitOpenAsync(alice);
            await ChatPage.WaitOpenAsync(bob);
            // An https page may not open ws:// (mixed content is blocked): the chat working at all means wss://.
            Assert.Equal("https:", await alice.EvaluateAsync<string>("() => location.protocol"));

            await ChatPage.SendAsync(alice, "hello over wss");
            await ChatPage.SeeAsync(bob, "hello over wss");
        });
}
