using Conduit.Core.Ports;
using Conduit.Local.StepFunctions;
using Conduit.Tests.Browser.Support;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Conduit.Tests.Browser;

/// <summary>The chat page and the trace view in a real browser against the real local stack.</summary>
public sealed class ChatPageTests : IAsyncLifetime
{
    private BrowserHarness _harness = null!;
    private IBrowserContext _context = null!;

    public async Task InitializeAsync()
    {
        if (!File.Exists(ChromiumFactAttribute.ChromiumPath)) return;
        _harness = await BrowserHarness.StartAsync(tokenDelay: TimeSpan.FromMilliseconds(25));
        _context = await _harness.Browser.NewContextAsync(
            new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1024, Height = 800 } });
    }

    public async Task DisposeAsync()
    {
        if (_harness is null) return;
        await _context.DisposeAsync();
        await _harness.DisposeAsync();
    }

    [ChromiumFact]
    public async Task SendMessage_AnswerStreamsAndEnds_TraceLinkOpensTheExecutionTimeline()
    {
        var page = await _harness.OpenChatAsync(_context);

        var turn = await SendAsync(page, "How does the Dispatcher name each execution?");
        await Expect(turn.GetByTestId("trace-link")).ToBeVisibleAsync();
        await _harness.ScreenshotAsync(page, "chat-answered");

        var (sessionId, requestId) = await IdsAsync(page, turn);
        var saved = await _harness.AnswerInHistoryAsync(sessionId, requestId);
        await Expect(turn.GetByTestId("assistant-text")).ToHaveAttributeAsync("data-markdown", saved!.Text);
        await Expect(turn.GetByTestId("sources")).ToContainTextAsync("pipeline.md");

        await turn.GetByTestId("trace-link").ClickAsync();
        await Expect(page.GetByTestId("execution-status")).ToContainTextAsync("SUCCEEDED");
        var execution = Uri.UnescapeDataString(new Uri(page.Url).Fragment.TrimStart('#'));
        Assert.StartsWith($"{requestId}-", execution, StringComparison.Ordinal);
        var history = await _harness.Host.Services.GetRequiredService<StepFunctionsEmulator>().GetExecutionHistoryAsync(execution);
        var entered = history.Where(e => e.Type.EndsWith("StateEntered", StringComparison.Ordinal))
            .Select(e => e.Details["name"]!.GetValue<string>()).ToList();
        var rows = await page.GetByTestId("state-row").EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.state)");
        Assert.Equal(entered, rows);
        await _harness.ScreenshotAsync(page, "trace-timeline");
    }

    [ChromiumFact]
    public async Task ServerClosesTheSocketMidAnswer_PageReconnectsAndResumes_TextEqualsHistory()
    {
        var page = await _harness.OpenChatAsync(_context);
        var turn = await SendAsync(page, "Tell me about coalescing tokens into frames");
        await Expect(turn.GetByTestId("assistant-text")).Not.ToBeEmptyAsync();

        using (var http = _harness.Host.CreateSignedHttpClient())
            await http.DeleteAsync("/local/@connections/" + Uri.EscapeDataString(Assert.Single(_harness.ConnectionIds)));
        await Expect(page.GetByTestId("connection-status")).ToHaveAttributeAsync("data-state", "reconnecting");
        await _harness.ScreenshotAsync(page, "chat-reconnecting");
        await Expect(page.GetByTestId("connection-status")).ToHaveAttributeAsync("data-state", "connected", new() { Timeout = 15_000 });
        await Expect(turn.GetByTestId("trace-link")).ToBeVisibleAsync(new() { Timeout = 30_000 });

        var (sessionId, requestId) = await IdsAsync(page, turn);
        var saved = await _harness.AnswerInHistoryAsync(sessionId, requestId);
        await Expect(turn.GetByTestId("assistant-text")).ToHaveAttributeAsync("data-markdown", saved!.Text);
        await _harness.ScreenshotAsync(page, "chat-resumed");
    }

    [ChromiumFact]
    public async Task Stop_MidAnswer_TheAnswerEndsMarkedStopped()
    {
        var page = await _harness.OpenChatAsync(_context);
        var turn = await SendAsync(page, "Tell me a long story about the pipeline");
        await Expect(turn.GetByTestId("assistant-text")).Not.ToBeEmptyAsync();

        await page.GetByTestId("stop").ClickAsync();

        await Expect(turn.GetByTestId("turn-status")).ToContainTextAsync("stopped", new() { IgnoreCase = true });
        var (sessionId, requestId) = await IdsAsync(page, turn);
        var saved = await _harness.AnswerInHistoryAsync(sessionId, requestId);
        Assert.Equal(MessageStatuses.Cancelled, saved!.Status);
        await Expect(turn.GetByTestId("assistant-text")).ToHaveAttributeAsync("data-markdown", saved.Text);
        await _harness.ScreenshotAsync(page, "chat-stopped");
    }

    [ChromiumFact]
    public async Task Reload_BringsTheConversationBack_AndASecondTabShowsTheLiveStream()
    {
        var page = await _harness.OpenChatAsync(_context);
        var first = await SendAsync(page, "Hello");
        await Expect(first.GetByTestId("trace-link")).ToBeVisibleAsync();
        var answer = await first.GetByTestId("assistant-text").GetAttributeAsync("data-markdown");

        await page.ReloadAsync();
        await Expect(page.GetByTestId("turn")).ToHaveCountAsync(1);
        await Expect(page.GetByTestId("turn").First.GetByTestId("assistant-text")).ToHaveAttributeAsync(
            "data-markdown", answer!);
        await _harness.ScreenshotAsync(page, "chat-reloaded");

        var secondTab = await _harness.OpenChatAsync(_context, "/" + new Uri(page.Url).Fragment);
        await Expect(secondTab.GetByTestId("turn")).ToHaveCountAsync(1);
        var second = await SendAsync(page, "And again, from the first tab");
        var (sessionId, requestId) = await IdsAsync(page, second);
        await Expect(second.GetByTestId("trace-link")).ToBeVisibleAsync();
        var mirrored = secondTab.Locator($"[data-testid=turn][data-request-id='{requestId}']");
        await Expect(mirrored.GetByTestId("assistant-text")).ToHaveAttributeAsync("data-markdown",
            (await _harness.AnswerInHistoryAsync(sessionId, requestId))!.Text);
        await _harness.ScreenshotAsync(secondTab, "chat-second-tab");
    }

    [ChromiumFact]
    public async Task Source_OpensThePassageTheModelWasGiven_AsText()
    {
        var page = await _harness.OpenChatAsync(_context);
        var turn = await SendAsync(page, "How does the Dispatcher name each execution?");
        await Expect(turn.GetByTestId("trace-link")).ToBeVisibleAsync();
        var source = turn.GetByTestId("source").First;
        var title = await source.TextContentAsync();

        await source.ClickAsync();

        var dialog = page.GetByTestId("passage");
        await Expect(dialog).ToBeVisibleAsync();
        await Expect(dialog.GetByTestId("passage-title")).ToHaveTextAsync(title!);
        var execution = Uri.UnescapeDataString((await turn.GetByTestId("trace-link").GetAttributeAsync("href"))!.Split('#')[1]);
        var output = (await _harness.Host.Services.GetRequiredService<StepFunctionsEmulator>().DescribeExecutionAsync(execution)).Output!;
        var given = System.Text.Json.JsonDocument.Parse(output).RootElement.GetProperty("rounds").EnumerateArray()
            .SelectMany(r => r.GetProperty("results").EnumerateArray()).SelectMany(r => r.GetProperty("passages").EnumerateArray())
            .First(p => p.GetProperty("title").GetString() == title);
        await Expect(dialog.GetByTestId("passage-source")).ToHaveTextAsync(given.GetProperty("source").GetString()!);
        var shown = await dialog.GetByTestId("passage-text").TextContentAsync();
        Assert.Contains(given.GetProperty("text").GetString()!, shown, StringComparison.Ordinal);
        await _harness.ScreenshotAsync(page, "chat-source-passage");
        await page.Keyboard.PressAsync("Escape");
        await Expect(dialog).ToBeHiddenAsync();
    }

    private static async Task<ILocator> SendAsync(IPage page, string text)
    {
        var before = await page.GetByTestId("turn").CountAsync();
        await page.GetByTestId("message-input").FillAsync(text);
        await page.GetByTestId("send").ClickAsync();
        await Expect(page.GetByTestId("turn")).ToHaveCountAsync(before + 1);
        return page.GetByTestId("turn").Nth(before);
    }

    private static async Task<(string SessionId, string RequestId)> IdsAsync(IPage page, ILocator turn) =>
        (await page.EvaluateAsync<string>("() => window.conduitChat.sessionId()"), (await turn.GetAttributeAsync("data-request-id"))!);
}
