using Conduit.Core.Chat;
using Conduit.Core.Ports;
using Conduit.Local.Hosting;
using Conduit.Local.Knowledge;
using Conduit.Local.Model;
using Conduit.Tests.Browser.Support;
using Conduit.Tests.EndToEnd.Support;
using Microsoft.Extensions.AI;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Conduit.Tests.Browser;

/// <summary>The chat page's Retry button against a model whose first answer breaks with a retryable error.</summary>
public sealed class ChatRetryTests : IAsyncLifetime
{
    private BrowserHarness _harness = null!;
    private IBrowserContext _context = null!;
    private FailingFirstChatClient _model = null!;

    public async Task InitializeAsync()
    {
        if (!File.Exists(ChromiumFactAttribute.ChromiumPath)) return;
        _harness = await BrowserHarness.StartAsync(
            TimeSpan.FromMilliseconds(5),
            services => services.AddSingleton<IChatClient>(sp => _model = new FailingFirstChatClient(
                new OfflineChatClient(
                    sp.GetRequiredService<LocalHostOptions>().Model,
                    ((MarkdownKnowledgeBase)sp.GetRequiredService<IKnowledgeBase>()).SharesTermsWith,
                    TimeProvider.System),
                () => new StreamInterruptedException("The model stream broke.", new IOException("reset")))));
        _context = await _harness.Browser.NewContextAsync();
    }

    public async Task DisposeAsync()
    {
        if (_harness is null) return;
        await _context.DisposeAsync();
        await _harness.DisposeAsync();
    }

    [ChromiumFact]
    public async Task Retry_AfterARetryableFailure_RunsTheSameTurnAgainAndShowsItsAnswer()
    {
        var page = await _harness.OpenChatAsync(_context);
        _model.FailuresLeft = 1;
        await page.GetByTestId("message-input").FillAsync("What does the Dispatcher do?");
        await page.GetByTestId("send").ClickAsync();
        var turn = page.GetByTestId("turn").First;
        await Expect(turn.GetByTestId("error")).ToContainTextAsync("model_failed");

        await turn.GetByTestId("retry").ClickAsync();

        await Expect(turn.GetByTestId("turn-status")).ToHaveTextAsync("done", new() { Timeout = 30_000 });
        await Expect(page.GetByTestId("turn")).ToHaveCountAsync(1);
        await Expect(turn.GetByTestId("error")).ToHaveCountAsync(0);
        var requestId = (await turn.GetAttributeAsync("data-request-id"))!;
        var sessionId = await page.EvaluateAsync<string>("() => window.conduitChat.sessionId()");
        var saved = await _harness.AnswerInHistoryAsync(sessionId, requestId);
        await Expect(turn.GetByTestId("assistant-text")).ToHaveAttributeAsync("data-markdown", saved!.Text);
        Assert.Equal(3, _model.Streams);
        var trace = await turn.GetByTestId("trace-link").GetAttributeAsync("href");
        Assert.Matches($"^/trace\\.html#{requestId}-[0-9a-f]{{16}}-2$", trace);
    }
}
