using Conduit.Core.Ports;
using Conduit.Local.Gateway;
using Conduit.Tests.EndToEnd.Support;
using Microsoft.Playwright;

namespace Conduit.Tests.Browser.Support;

/// <summary>
/// The local stack in-process and a headless Chromium driven by Playwright through Debian's binary (no browser
/// download), with the flags that keep it off the network. Screenshots land in TestResults/screenshots, or in the folder
/// CONDUIT_SCREENSHOT_DIR names.
/// </summary>
public sealed class BrowserHarness : IAsyncDisposable
{
    private static readonly string[] ChromiumArguments =
        [
            "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync"];

    private readonly IPlaywright _playwright;

    private BrowserHarness(LocalStackHost host, IPlaywright playwright, IBrowser browser)
    {
        Host = host;
        _playwright = playwright;
        Browser = browser;
    }

    public LocalStackHost Host { get; }

    public IBrowser Browser { get; }

    public string BaseUrl => Host.HttpBase.AbsoluteUri.TrimEnd('/');

    public static async Task<BrowserHarness> StartAsync(TimeSpan tokenDelay, Action<IServiceCollection>? overrides = null)
    {
        var host = await LocalStackHost.StartAsync(
            options => options with { Model = options.Model with { TokenDelay = tokenDelay } }, overrides);
        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumFactAttribute.ChromiumPath,
            Headless = true,
            Args = ChromiumArguments,
        });
        return new BrowserHarness(host, playwright, browser);
    }

    public async Task<IPage> OpenChatAsync(IBrowserContext context, string path = "/")
    {
        var page = await context.NewPageAsync();
        await page.GotoAsync(BaseUrl + path);
        await Assertions.Expect(page.GetByTestId("connection-status")).ToHaveAttributeAsync("data-state", "connected");
        return page;
    }

    public async Task ScreenshotAsync(IPage page, string name)
    {
        var folder = Environment.GetEnvironmentVariable("CONDUIT_SCREENSHOT_DIR") is { Length: > 0 } chosen
            ? chosen
            : Path.Combine(AppContext.BaseDirectory, "TestResults", "screenshots");
        Directory.CreateDirectory(folder);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(folder, $"{name}.png"), FullPage = true });
    }

    public async Task<HistoryMessage?> AnswerInHistoryAsync(string sessionId, string requestId) =>
        (await Host.Services.GetRequiredService<IHistoryStore>().ReadLatestAsync(sessionId, long.MaxValue, 100, CancellationToken.None))
            .SingleOrDefault(m => m.RequestId == requestId && m.Role == MessageRoles.Assistant);

    public IReadOnlyCollection<string> ConnectionIds => Host.Services.GetRequiredService<WebSocketGateway>().ConnectionIds;

    public async ValueTask DisposeAsync()
    {
        await Browser.DisposeAsync();
        _playwright.Dispose();
        await Host.DisposeAsync();
    }
}
