using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Conduit.Tests.Browser.Support;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Conduit.Tests.Browser;

/// <summary>
/// A turn's error leads with a sentence a user understands and keeps the code, smaller, for support. The socket runs
/// through Playwright's WebSocket route to the real server, which turns the turn's done frame into an error frame with
/// the code under test (the same seq, so the page takes it as the turn's end).
/// </summary>
public sealed class ChatErrorTests : PageTests
{
    [ChromiumTheory]
    [InlineData("model_throttled", "The model is busy; try again in a few seconds.")]
    [InlineData("timeout", "The answer took too long to arrive. Try again.")]
    [InlineData("quota_exhausted_2031", "Something went wrong. Try again; if it keeps happening, give support the request number below.")]
    public async Task TurnError_ShowsAPlainSentence_AndKeepsTheCodeForSupport(string code, string sentence)
    {
        var page = await Context.NewPageAsync();
        await page.RouteWebSocketAsync(new Regex("/local$"), socket =>
        {
            var server = socket.ConnectToServer();
            server.OnMessage(frame =>
            {
                if (frame.Text is not { } text) return;
                socket.Send(JsonNode.Parse(text) is JsonObject { } json && (string?)json["type"] == "done" ? ErrorFor(json, code) : text);
            });
        });
        await page.GotoAsync(Harness.BaseUrl + "/");
        await Expect(page.GetByTestId("connection-status")).ToHaveAttributeAsync("data-state", "connected");

        await page.GetByTestId("message-input").FillAsync("Hello");
        await page.GetByTestId("send").ClickAsync();

        var error = page.GetByTestId("turn").First.GetByTestId("error");
        await Expect(error.GetByTestId("error-text")).ToHaveTextAsync(sentence);
        await Expect(error.GetByTestId("error-code")).ToHaveTextAsync(code);
        Assert.DoesNotContain(code, await error.GetByTestId("error-text").TextContentAsync() ?? "", StringComparison.Ordinal);
        await Harness.ScreenshotAsync(page, $"chat-error-{code}");
    }

    private static string ErrorFor(JsonObject done, string code) => new JsonObject
    {
        ["type"] = "error",
        ["code"] = code,
        ["message"] = "The server's own sentence.",
        ["retryable"] = true,
        ["requestId"] = (string?)done["requestId"],
        ["sessionId"] = (string?)done["sessionId"],
        ["seq"] = (long?)done["seq"],
    }.ToJsonString();
}
