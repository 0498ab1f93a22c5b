using Conduit.Tests.Browser.Support;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Conduit.Tests.Browser;

/// <summary>The trace page signs in as the chat page does: its user sees their own turns, the operator view every user's.</summary>
public sealed class TracePageTests : IAsyncLifetime
{
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

    [ChromiumFact]
    public async Task AnotherUsersTurn_IsNotFoundForThem_AndShownInTheOperatorView()
    {
        await using var owner = await _harness.Browser.NewContextAsync();
        var chat = await _harness.OpenChatAsync(owner);
        await chat.GetByTestId("message-input").FillAsync("Hello");
        await chat.GetByTestId("send").ClickAsync();
        var turn = chat.GetByTestId("turn").First;
        await Expect(turn.GetByTestId("trace-link")).ToBeVisibleAsync();
        var execution = (await turn.GetByTestId("trace-link").GetAttributeAsync("href"))!.Split('#')[1];
        await using var stranger = await _harness.Browser.NewContextAsync();
        await _harness.OpenChatAsync(stranger);
        var trace = await stranger.NewPageAsync();

        await trace.GotoAsync($"{_harness.BaseUrl}/trace.html#{execution}");

        await Expect(trace.GetByTestId("not-found")).ToBeVisibleAsync();
        await Expect(trace.GetByTestId("execution-row")).ToHaveCountAsync(0);
        await trace.GetByTestId("operator-view").CheckAsync();
        await Expect(trace.GetByTestId("execution-status")).ToContainTextAsync("SUCCEEDED");
        await Expect(trace.GetByTestId("execution-row")).ToHaveCountAsync(1);
        await Expect(trace.GetByTestId("signed-in")).ToContainTextAsync("operator");
        await _harness.ScreenshotAsync(trace, "trace-operator-view");
    }

    [ChromiumFact]
    public async Task TraceList_ShowsEachQuestion_FiltersByStatus_AndSearchesByRequestId()
    {
        await using var context = await _harness.Browser.NewContextAsync();
        var chat = await _harness.OpenChatAsync(context);
        foreach (var question in new[] { "First <b>question</b>", "Second question" })
        {
            await chat.GetByTestId("message-input").FillAsync(question);
            await chat.GetByTestId("send").ClickAsync();
            await Expect(chat.GetByTestId("trace-link")).ToHaveCountAsync(question.StartsWith('F') ? 1 : 2);
        }
        var firstRequestId = (await chat.GetByTestId("turn").First.GetAttributeAsync("data-request-id"))!;
        var trace = await context.NewPageAsync();

        await trace.GotoAsync($"{_harness.BaseUrl}/trace.html");

        var questions = trace.GetByTestId("execution-question");
        await Expect(questions).ToHaveTextAsync(["Second question", "First <b>question</b>"]);
        await trace.GetByTestId("status-filter").SelectOptionAsync("FAILED");
        await Expect(trace.GetByTestId("no-matches")).ToBeVisibleAsync();
        await trace.GetByTestId("status-filter").SelectOptionAsync("SUCCEEDED");
        await Expect(questions).ToHaveCountAsync(2);
        await trace.GetByTestId("request-search").FillAsync(firstRequestId);
        await Expect(questions).ToHaveTextAsync(["First <b>question</b>"]);
        await _harness.ScreenshotAsync(trace, "trace-filtered");
    }

    [ChromiumFact]
    public async Task RefusedToken_SaysHowToSignIn()
    {
        await using var context = await _harness.Browser.NewContextAsync();
        var page = await context.NewPageAsync();
        await page.GotoAsync(_harness.BaseUrl + "/trace.html");
        await page.EvaluateAsync("""
            () => localStorage.setItem('conduit.chat.v1', JSON.stringify({ auth: 'token', token: 'not-a-token', userId: 'x' }))
            """);

        await page.ReloadAsync();

        await Expect(page.GetByTestId("load-error")).ToContainTextAsync("refused the token (HTTP 401)");
        await Expect(page.GetByTestId("operator-view")).ToBeHiddenAsync();
    }
}
