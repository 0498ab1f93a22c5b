using Conduit.Tests.Browser.Support;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Conduit.Tests.Browser;

/// <summary>The page at a desktop and a phone width, light and dark: nothing overflows sideways, and the list is reachable.</summary>
public sealed class ChatLayoutTests : IAsyncLifetime
{
    private const string MarkdownQuestion = "Tell me about coalescing tokens into frames";

    private BrowserHarness _harness = null!;

    public async Task InitializeAsync()
    {
        if (!File.Exists(ChromiumFactAttribute.ChromiumPath)) return;
        _harness = await BrowserHarness.StartAsync(tokenDelay: TimeSpan.FromMilliseconds(1));
    }

    public async Task DisposeAsync()
    {
        if (_harness is null) return;
        await _harness.DisposeAsync();
    }

    [ChromiumTheory]
    [InlineData(1280, ColorScheme.Light)]
    [InlineData(1280, ColorScheme.Dark)]
    [InlineData(375, ColorScheme.Light)]
    [InlineData(375, ColorScheme.Dark)]
    public async Task AnsweredConversation_AtWidthAndScheme_NothingOverflowsAndTheConversationListOpens(int width, ColorScheme scheme)
    {
        await using var context = await _harness.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = width, Height = 800 },
            ColorScheme = scheme,
        });
        var page = await _harness.OpenChatAsync(context);
        await page.GetByTestId("message-input").FillAsync(MarkdownQuestion);
        await page.GetByTestId("send").ClickAsync();
        await Expect(page.GetByTestId("turn").First.GetByTestId("turn-status")).ToHaveTextAsync("done", new() { Timeout = 30_000 });
        var name = $"chat-{width}-{scheme.ToString().ToLowerInvariant()}";
        await _harness.ScreenshotAsync(page, name);

        Assert.True(
            await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth"),
            "The page scrolls sideways.");
        if (width < 768)
        {
            await Expect(page.GetByTestId("session-list")).ToBeHiddenAsync();
            await page.GetByTestId("toggle-sessions").ClickAsync();
        }
        await Expect(page.GetByTestId("session-open")).ToHaveTextAsync(MarkdownQuestion);
        await _harness.ScreenshotAsync(page, name + "-list");
    }
}
