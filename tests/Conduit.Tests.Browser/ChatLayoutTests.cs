using Conduit.Tests.Browser.Support;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Conduit.Tests.Browser;

/// <summary>The page at a desktop and a phone width, light and dark: nothing overflows sideways, and the list is reachable.</summary>
public sealed class ChatLayoutTests : PageTests
{
    private const string MarkdownQuestion = "Tell me about coalescing tokens into frames";

    [ChromiumTheory]
    [InlineData(1280, ColorScheme.Light)]
    [InlineData(1280, ColorScheme.Dark)]
    [InlineData(375, ColorScheme.Light)]
    [InlineData(375, ColorScheme.Dark)]
    public async Task AnsweredConversation_AtWidthAndScheme_NothingOverflowsAndTheConversationListOpens(int width, ColorScheme scheme)
    {
        await using var context = await Harness.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = width, Height = 800 },
            ColorScheme = scheme,
        });
        var page = await Harness.OpenChatAsync(context);
        await page.GetByTestId("message-input").FillAsync(MarkdownQuestion);
        await page.GetByTestId("send").ClickAsync();
        await Expect(page.GetByTestId("turn").First.GetByTestId("turn-status")).ToHaveTextAsync("done", new() { Timeout = 30_000 });
        var name = $"chat-{width}-{scheme.ToString().ToLowerInvariant()}";
        await Harness.ScreenshotAsync(page, name);

        Assert.True(
            await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth"),
            "The page scrolls sideways.");
        if (width < 768)
        {
            await Expect(page.GetByTestId("session-list")).ToBeHiddenAsync();
            await page.GetByTestId("toggle-sessions").ClickAsync();
        }
        await Expect(page.GetByTestId("session-open")).ToHaveTextAsync(MarkdownQuestion);
        await Harness.ScreenshotAsync(page, name + "-list");
    }
}
