using Conduit.Core.Ports;
using Conduit.Tests.Browser.Support;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Conduit.Tests.Browser;

/// <summary>The conversation list: new chats keep the old ones, switching, renaming and deleting, seen from a second tab.</summary>
public sealed class ChatSessionsTests : PageTests
{
    protected override BrowserNewContextOptions ContextOptions =>
        new() { ViewportSize = new ViewportSize { Width = 1280, Height = 800 } };

    [ChromiumFact]
    public async Task NewChat_KeepsTheOldConversation_ListNewestFirst_AndSwitchingShowsEach()
    {
        var page = await Harness.OpenChatAsync(Context);
        await SendAndWaitAsync(page, "First conversation question");
        var firstSession = await SessionIdAsync(page);

        await page.GetByTestId("new-chat").ClickAsync();
        await Expect(page.GetByTestId("turn")).ToHaveCountAsync(0);
        await SendAndWaitAsync(page, "Second conversation question");
        var secondSession = await SessionIdAsync(page);

        var rows = page.GetByTestId("session");
        await Expect(rows.GetByTestId("session-open")).ToHaveTextAsync(["Second conversation question", "First conversation question"]);
        await Expect(rows.First).ToHaveAttributeAsync("data-session-id", secondSession);
        await page.ReloadAsync();
        await Expect(rows.GetByTestId("session-open")).ToHaveTextAsync(["Second conversation question", "First conversation question"]);

        await rows.Nth(1).GetByTestId("session-open").ClickAsync();

        await Expect(page.GetByTestId("turn")).ToHaveCountAsync(1);
        await Expect(page.GetByTestId("turn").First.Locator(".message-text")).ToHaveTextAsync("First conversation question");
        Assert.Equal(firstSession, await SessionIdAsync(page));
        await Expect(rows.Nth(1).GetByTestId("session-open")).ToHaveAttributeAsync("aria-current", "page");
        await Harness.ScreenshotAsync(page, "chat-conversation-list");
    }

    [ChromiumFact]
    public async Task RenameAndDelete_InOneTab_TheOtherTabShowsTheNewTitleAndSeesTheConversationGo()
    {
        var page = await Harness.OpenChatAsync(Context);
        await SendAndWaitAsync(page, "Keep this one");
        await page.GetByTestId("new-chat").ClickAsync();
        await SendAndWaitAsync(page, "Delete this one");
        var doomed = await SessionIdAsync(page);
        var other = await Harness.OpenChatAsync(Context, "/#session=" + doomed);
        await Expect(other.GetByTestId("turn")).ToHaveCountAsync(1);
        var row = page.Locator($"[data-testid=session][data-session-id='{doomed}']");

        await row.GetByTestId("rename-session").ClickAsync();
        await page.GetByTestId("session-title").FillAsync("Renamed here");
        await page.GetByTestId("save-title").ClickAsync();

        await Expect(row.GetByTestId("session-open")).ToHaveTextAsync("Renamed here");
        await Expect(other.Locator($"[data-testid=session][data-session-id='{doomed}']").GetByTestId("session-open"))
            .ToHaveTextAsync("Renamed here");

        await row.GetByTestId("delete-session").ClickAsync();
        await row.GetByTestId("confirm-delete").ClickAsync();

        await Expect(page.GetByTestId("session")).ToHaveCountAsync(1);
        await Expect(page.GetByTestId("session-open")).ToHaveTextAsync("Keep this one");
        await Expect(other.GetByTestId("session")).ToHaveCountAsync(1);
        await Expect(other.GetByTestId("turn")).ToHaveCountAsync(0);
        await Expect(other.GetByTestId("error")).ToContainTextAsync("deleted on another device");
        Assert.Null(await Harness.Host.Services.GetRequiredService<ISessionStore>().GetAsync(doomed, CancellationToken.None));
        Assert.Empty(await Harness.Host.Services.GetRequiredService<IHistoryStore>()
            .ReadLatestAsync(doomed, long.MaxValue, 10, CancellationToken.None));
        await Harness.ScreenshotAsync(other, "chat-deleted-elsewhere");
    }

    private static async Task<ILocator> SendAndWaitAsync(IPage page, string text)
    {
        var before = await page.GetByTestId("turn").CountAsync();
        await page.GetByTestId("message-input").FillAsync(text);
        await page.GetByTestId("send").ClickAsync();
        var turn = page.GetByTestId("turn").Nth(before);
        await Expect(turn.GetByTestId("turn-status")).ToHaveTextAsync("done", new() { Timeout = 30_000 });
        return turn;
    }

    private static Task<string> SessionIdAsync(IPage page) => page.EvaluateAsync<string>("() => window.conduitChat.sessionId()");
}
