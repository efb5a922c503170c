using Microsoft.Playwright;
using OrderOps.Testing;

namespace OrderOps.Functions.Tests.Console;

/// <summary>
/// Debian's chromium driven by Playwright, headless, loopback only. Playwright's own browser download cannot work
/// here, so the browser is the system's (<c>ORDEROPS_CHROMIUM</c>, default /usr/bin/chromium; test.sh installs it).
/// Screenshots go to <c>artifacts/console</c> at the repository root (git-ignored), kept after the run.
/// </summary>
public sealed class ConsoleBrowser : IAsyncDisposable
{
    public static string ExecutablePath { get; } = Environment.GetEnvironmentVariable("ORDEROPS_CHROMIUM") is { Length: > 0 } path ? path : "/usr/bin/chromium";

    public static string Artifacts { get; } = Directory.CreateDirectory(Path.Combine(RepositoryPaths.Root, "artifacts", "console")).FullName;

    private readonly IPlaywright _playwright;

    private ConsoleBrowser(IPlaywright playwright, IBrowser browser)
    {
        _playwright = playwright;
        Browser = browser;
    }

    public IBrowser Browser { get; }

    public static async Task<ConsoleBrowser> LaunchAsync()
    {
        if (!File.Exists(ExecutablePath))
        {
            throw new InvalidOperationException($"No chromium at {ExecutablePath}: run ./test.sh (it installs Debian's chromium) or `apt-get install -y chromium`, or set ORDEROPS_CHROMIUM.");
        }

        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ExecutablePath,
            Headless = true,
            // Containers and CI runners have no user namespaces for chromium's sandbox.
            Args = ["--no-sandbox", "--disable-dev-shm-usage"],
        });
        return new ConsoleBrowser(playwright, browser);
    }

    public static Task ScreenshotAsync(IPage page, string name) =>
        page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Artifacts, name + ".png"), FullPage = true });

    public async ValueTask DisposeAsync()
    {
        await Browser.DisposeAsync();
        _playwright.Dispose();
    }
}
