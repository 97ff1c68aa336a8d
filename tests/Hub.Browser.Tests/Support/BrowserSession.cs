using Microsoft.Playwright;

namespace Hub.Browser.Tests.Support;

/// <summary>
/// The servers and pages of one test, each page in its own browser context (its own cookies and storage, like
/// separate users). <see cref="RunAsync"/> bounds the test's time and, when it fails, saves a screenshot of every
/// page under TestResults/browser/ (next to the solution) while the servers still run, then stops them.
/// </summary>
public sealed class BrowserSession(IBrowser browser, string testName) : IAsyncDisposable
{
    /// <summary>Every test finishes within this, setup and teardown of its pages included.</summary>
    public static readonly TimeSpan TestTimeout = TimeSpan.FromSeconds(55);

    /// <summary>How long one wait for the page (a selector, a text) may take.</summary>
    public const float StepTimeoutMs = 20_000;

    private readonly List<(IBrowserContext Context, IPage Page)> _pages = [];
    private readonly List<BrowserHost> _hosts = [];

    /// <summary>A demo server that lives until the test's screenshots are taken (see <see cref="BrowserHost.StartAsync"/>).</summary>
    public async Task<BrowserHost> StartHostAsync(int port = 0, params string[] overrides)
    {
        var host = await BrowserHost.StartAsync(port, overrides);
        _hosts.Add(host);
        return host;
    }

    /// <summary>A demo host with an HTTPS/WSS listener on <paramref name="certificate"/>, stopped with the session.</summary>
    public async Task<BrowserHost> StartTlsHostAsync(TestCertificate certificate)
    {
        var host = await BrowserHost.StartWithTlsAsync(certificate);
        _hosts.Add(host);
        return host;
    }

    /// <summary>A server on the port another one of this test just released (see <see cref="BrowserHost.StartOnPortAsync"/>).</summary>
    public async Task<BrowserHost> RestartHostAsync(int port)
    {
        var host = await BrowserHost.StartOnPortAsync(port, TimeSpan.FromSeconds(10));
        _hosts.Add(host);
        return host;
    }

    public async Task<IPage> NewPageAsync(Uri url)
    {
        var context = await browser.NewContextAsync();
        context.SetDefaultTimeout(StepTimeoutMs);
        var page = await context.NewPageAsync();
        _pages.Add((context, page));
        await page.GotoAsync(url.ToString());
        return page;
    }

    /// <summary>Runs <paramref name="test"/> with a time bound; on failure screenshots every page, then rethrows.</summary>
    public static async Task RunAsync(IBrowser browser, string testName, Func<BrowserSession, Task> test)
    {
        await using var session = new BrowserSession(browser, testName);
        try
        {
            await test(session).WaitAsync(TestTimeout);
        }
        catch (Exception)
        {
            await session.ScreenshotAllAsync();
            throw;
        }
    }

    private async Task ScreenshotAllAsync()
    {
        var directory = ArtifactsDirectory();
        for (var i = 0; i < _pages.Count; i++)
        {
            var path = Path.Combine(directory, $"{testName}-page{i + 1}.png");
            try
            {
                await _pages[i].Page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true, Timeout = 5_000 });
                Console.Error.WriteLine($"screenshot of the failed test's page {i + 1}: {path}");
            }
            catch (PlaywrightException e)
            {
                Console.Error.WriteLine($"no screenshot of page {i + 1}: {e.Message}");
            }
        }
    }

    /// <summary>TestResults/browser under the directory holding Hub.sln (the test's bin folder when there is none).</summary>
    private static string ArtifactsDirectory()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Hub.sln"))) dir = dir.Parent;
        var path = Path.Combine(dir?.FullName ?? AppContext.BaseDirectory, "TestResults", "browser");
        Directory.CreateDirectory(path);
        return path;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var (context, _) in _pages) await context.CloseAsync();
        foreach (var host in _hosts) await host.DisposeAsync();
    }
}
