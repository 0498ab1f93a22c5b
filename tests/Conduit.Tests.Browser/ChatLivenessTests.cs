using System.Text.RegularExpressions;
using Conduit.Tests.Browser.Support;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Conduit.Tests.Browser;

/// <summary>
/// A socket that stays open but goes silent (a dead route, a sleeping laptop) is noticed by the page's own ping within
/// 25 s; the page's clock is Playwright's, so no test waits those seconds. The socket runs through Playwright's
/// WebSocket route, which forwards to the real server until the test silences it.
/// </summary>
public sealed class ChatLivenessTests : PageTests
{
    [ChromiumFact]
    public async Task SilentSocket_NoticedWithin25s_ReconnectNowSkipsTheWait_AndAMessageTypedOfflineIsSentWithItsRequestId()
    {
        var page = await Context.NewPageAsync();
        // Paused: the page's timers run only when the test runs the clock, so a retry cannot beat "Reconnect now".
        var start = new DateTime(2026, 1, 1, 9, 0, 0, DateTimeKind.Utc);
        await page.Clock.InstallAsync(new() { TimeDate = start });
        await page.Clock.PauseAtAsync(start.AddSeconds(1));
        IWebSocketRoute? latest = null;
        IWebSocketRoute? silenced = null;
        await page.RouteWebSocketAsync(new Regex("/local$"), socket =>
        {
            latest = socket;
            var server = socket.ConnectToServer();
            server.OnMessage(frame =>
            {
                if (socket != silenced && frame.Text is { } text) socket.Send(text);
            });
        });
        await page.GotoAsync(Harness.BaseUrl + "/");
        var status = page.GetByTestId("connection-status");
        await Expect(status).ToHaveAttributeAsync("data-state", "connected");
        await Expect(page.GetByTestId("reconnect-now")).ToBeHiddenAsync();

        silenced = latest;
        await page.Clock.RunForAsync(24_000);
        await Expect(status).ToHaveAttributeAsync("data-state", "connected");
        await page.Clock.RunForAsync(1_500);

        await Expect(status).ToHaveTextAsync("Reconnecting…");
        await Expect(page.GetByTestId("connection-detail")).ToContainTextAsync("the server stopped answering");
        await Harness.ScreenshotAsync(page, "chat-connection-lost");
        await page.GetByTestId("message-input").FillAsync("Typed while the connection was down");
        await page.GetByTestId("send").ClickAsync();
        var turn = page.GetByTestId("turn").First;
        var requestId = (await turn.GetAttributeAsync("data-request-id"))!;
        await Expect(turn.GetByTestId("turn-status")).ToHaveTextAsync("Sending…");

        await page.GetByTestId("reconnect-now").ClickAsync();

        await Expect(status).ToHaveAttributeAsync("data-state", "connected");
        await Expect(turn.GetByTestId("turn-status")).ToHaveTextAsync("done", new() { Timeout = 30_000 });
        Assert.Equal(requestId, await turn.GetAttributeAsync("data-request-id"));
        var sessionId = await page.EvaluateAsync<string>("() => window.conduitChat.sessionId()");
        var saved = await Harness.AnswerInHistoryAsync(sessionId, requestId);
        await Expect(turn.GetByTestId("assistant-text")).ToHaveAttributeAsync("data-markdown", saved!.Text);
    }
}
