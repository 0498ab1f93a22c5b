using Conduit.Tests.Browser.Support;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Conduit.Tests.Browser;

/// <summary>Copy, regenerate and edit on answers, and the composer's length limit, enforced before anything is sent.</summary>
public sealed class ChatActionsTests : PageTests
{
    protected override Task PrepareAsync(IBrowserContext context) =>
        context.GrantPermissionsAsync(["clipboard-read", "clipboard-write"], new() { Origin = Harness.BaseUrl });

    [ChromiumFact]
    public async Task CopyRegenerateAndEdit_OnTheLastAnswer_CopyTakesTheAnswerAndEachResendIsANewTurnWithItsOwnRequestId()
    {
        var page = await Harness.OpenChatAsync(Context);
        var first = await SendAndWaitAsync(page, "What is a seq?");
        var sessionId = await page.EvaluateAsync<string>("() => window.conduitChat.sessionId()");
        var firstId = (await first.GetAttributeAsync("data-request-id"))!;

        await first.GetByTestId("copy-answer").ClickAsync();
        await Expect(first.GetByTestId("copy-answer")).ToHaveTextAsync("Copied");
        var saved = await Harness.AnswerInHistoryAsync(sessionId, firstId);
        Assert.Equal(saved!.Text, await page.EvaluateAsync<string>("() => navigator.clipboard.readText()"));

        await first.GetByTestId("regenerate").ClickAsync();

        var second = page.GetByTestId("turn").Nth(1);
        await Expect(second.GetByTestId("turn-status")).ToHaveTextAsync("done", new() { Timeout = 30_000 });
        await Expect(second.Locator(".message-text")).ToHaveTextAsync("What is a seq?");
        var secondId = (await second.GetAttributeAsync("data-request-id"))!;
        Assert.NotEqual(firstId, secondId);
        Assert.NotNull(await Harness.AnswerInHistoryAsync(sessionId, secondId));
        await Expect(first.GetByTestId("regenerate")).ToBeHiddenAsync();
        await Expect(first.GetByTestId("edit")).ToBeHiddenAsync();

        await second.GetByTestId("edit").ClickAsync();
        await Expect(page.GetByTestId("message-input")).ToHaveValueAsync("What is a seq?");
        await page.GetByTestId("message-input").FillAsync("What is a seq, exactly?");
        await page.GetByTestId("send").ClickAsync();

        var third = page.GetByTestId("turn").Nth(2);
        await Expect(third.GetByTestId("turn-status")).ToHaveTextAsync("done", new() { Timeout = 30_000 });
        await Expect(third.Locator(".message-text")).ToHaveTextAsync("What is a seq, exactly?");
        var thirdId = (await third.GetAttributeAsync("data-request-id"))!;
        Assert.DoesNotContain(thirdId, new[] { firstId, secondId });
        Assert.NotNull(await Harness.AnswerInHistoryAsync(sessionId, thirdId));
        await Harness.ScreenshotAsync(page, "chat-message-actions");
    }

    [ChromiumFact]
    public async Task LengthCounter_OverTheCharacterOrByteLimit_DisablesSendAndNothingLeaves()
    {
        var page = await Harness.OpenChatAsync(Context);
        var input = page.GetByTestId("message-input");
        var counter = page.GetByTestId("length-counter");
        await Expect(counter).ToBeHiddenAsync();

        await input.FillAsync(new string('a', 16_001));
        await Expect(counter).ToHaveTextAsync("16,001 / 16,000 (too long to send)");
        await Expect(page.GetByTestId("send")).ToBeDisabledAsync();
        await input.PressAsync("Enter");

        await input.FillAsync(string.Concat(Enumerable.Repeat("😀", 8_200)));
        await Expect(counter).ToContainTextAsync("Too long to send");
        await Expect(page.GetByTestId("send")).ToBeDisabledAsync();
        await input.PressAsync("Enter");
        await Harness.ScreenshotAsync(page, "chat-too-long");

        await input.FillAsync(new string('a', 15_000));
        await Expect(counter).ToHaveTextAsync("15,000 / 16,000");
        await Expect(page.GetByTestId("send")).ToBeEnabledAsync();
        await Expect(page.GetByTestId("turn")).ToHaveCountAsync(0);
        await input.FillAsync("short");
        await Expect(counter).ToBeHiddenAsync();
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
}
