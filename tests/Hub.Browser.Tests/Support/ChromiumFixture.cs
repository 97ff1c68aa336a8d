using Microsoft.Playwright;

namespace Hub.Browser.Tests.Support;

/// <summary>
/// One headless Chromium for the whole test run: Debian's <c>/usr/bin/chromium</c> (or <c>HUB_CHROMIUM</c>),
/// driven by Playwright over its bundled driver. Playwright never downloads a browser here. When Chromium is
/// missing every browser test fails with a message saying how to install it — a silent skip would hide that the
/// pages went untested.
/// </summary>
public sealed class ChromiumFixture : IAsyncLifetime
{
    public const string DefaultExecutable = "/usr/bin/chromium";

    private IPlaywright? _playwright;
    private IBrowser? _browser;

    public static string Executable => Environment.GetEnvironmentVariable("HUB_CHROMIUM") is { Length: > 0 } path ? path : DefaultExecutable;

    public IBrowser Browser => _browser ?? throw new InvalidOperationException(
        $"Chromium is not available at {Executable}: install Debian's chromium package " +
        "(apt-get update && apt-get install -y chromium; ./test.sh does this when it is missing) or point HUB_CHROMIUM at a Chromium binary.");

    /// <summary>
    /// The certificate of the tests' HTTPS hosts. Chromium trusts exactly this key (its SPKI pin is a launch flag),
    /// not "any certificate": a page on another certificate would still fail.
    /// </summary>
    public TestCertificate Certificate { get; } = TestCertificate.Create("localhost");

    public async Task InitializeAsync()
    {
        if (!File.Exists(Executable)) return; // Browser then throws the explanation in every test
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Executable,
            Headless = true,
            Args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                $"--ignore-certificate-errors-spki-list={Certificate.SpkiPin}"],
            Timeout = 30_000,
        });
    }

    public async Task DisposeAsync()
    {
        Certificate.Dispose();
        if (_browser is not null) await _browser.DisposeAsync();
        _playwright?.Dispose();
    }
}

/// <summary>The browser tests share one Chromium and run one at a time (two cores; each test starts servers).</summary>
[CollectionDefinition(Name)]
public sealed class BrowserCollection : ICollectionFixture<ChromiumFixture>
{
    public const string Name = "browser";
}
