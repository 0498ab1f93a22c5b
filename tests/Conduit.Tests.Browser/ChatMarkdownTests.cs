using Conduit.Core.Ports;
using Conduit.Local.Hosting;
using Conduit.Local.Knowledge;
using Conduit.Local.Model;
using Conduit.Tests.Browser.Support;
using Microsoft.Extensions.AI;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Conduit.Tests.Browser;

/// <summary>Answers in Markdown, rendered while they stream, and model output that tries to run script, which never does.</summary>
public sealed class ChatMarkdownTests : IAsyncLifetime
{
    private BrowserHarness _harness = null!;
    private IBrowserContext _context = null!;
    private ScriptedChatClient _model = null!;

    public async Task InitializeAsync()
    {
        if (!File.Exists(ChromiumFactAttribute.ChromiumPath)) return;
        _harness = await BrowserHarness.StartAsync(
            TimeSpan.FromMilliseconds(1),
            services => services.AddSingleton<IChatClient>(sp => _model = new ScriptedChatClient(
                new OfflineChatClient(
                    sp.GetRequiredService<LocalHostOptions>().Model,
                    ((MarkdownKnowledgeBase)sp.GetRequiredService<IKnowledgeBase>()).SharesTermsWith,
                    TimeProvider.System))));
        _context = await _harness.Browser.NewContextAsync();
        await _context.GrantPermissionsAsync(["clipboard-read", "clipboard-write"], new() { Origin = _harness.BaseUrl });
    }

    public async Task DisposeAsync()
    {
        if (_harness is null) return;
        await _context.DisposeAsync();
        await _harness.DisposeAsync();
    }

    [ChromiumFact]
    public async Task MarkdownAnswer_RendersHeadingsListsCodeTablesAndLinks_CopyButtonCopiesTheCode()
    {
        _model.Answer("Show me Markdown", """
            ## Steps

            1. Open the **page**
            2. Run `dotnet test`

            ```csharp
            var x = 1;
            Console.WriteLine(x);
            ```

            | name | value |
            | --- | --- |
            | seq | 1 |
            | seq | 2 |

            See [the docs](https://example.com/docs).
            """);
        var page = await _harness.OpenChatAsync(_context);

        var turn = await SendAndWaitAsync(page, "Show me Markdown");

        var text = turn.GetByTestId("assistant-text");
        await Expect(text.Locator("h2")).ToHaveTextAsync("Steps");
        await Expect(text.Locator("ol > li")).ToHaveCountAsync(2);
        await Expect(text.Locator("strong")).ToHaveTextAsync("page");
        await Expect(text.Locator("p code, li code")).ToHaveTextAsync("dotnet test");
        await Expect(text.Locator("pre code")).ToHaveTextAsync("var x = 1;\nConsole.WriteLine(x);\n");
        await Expect(text.Locator("table tbody tr")).ToHaveCountAsync(2);
        var link = text.Locator("a");
        await Expect(link).ToHaveAttributeAsync("href", "https://example.com/docs");
        await Expect(link).ToHaveAttributeAsync("target", "_blank");
        await Expect(link).ToHaveAttributeAsync("rel", "noopener noreferrer nofollow");

        await text.GetByTestId("copy-code").ClickAsync();

        await Expect(text.GetByTestId("copy-code")).ToHaveTextAsync("Copied");
        Assert.Equal("var x = 1;\nConsole.WriteLine(x);\n", await page.EvaluateAsync<string>("() => navigator.clipboard.readText()"));
        await _harness.ScreenshotAsync(page, "chat-markdown");
    }

    [ChromiumFact]
    public async Task StreamingAnswer_FenceNotYetClosed_RendersAsCodeAndThenAsTheWholeBlock()
    {
        var rest = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        const string Opening = "Here:\n\n```js\nconst a = 1;\n";
        _model.Answer("Stream a fence", Opening + "const b = 2;\n```\n\nAfter the fence.", rest, holdAt: Opening.Length + 7);
        var page = await _harness.OpenChatAsync(_context);
        await page.GetByTestId("message-input").FillAsync("Stream a fence");
        await page.GetByTestId("send").ClickAsync();
        var text = page.GetByTestId("turn").First.GetByTestId("assistant-text");

        await Expect(text.Locator("pre code")).ToContainTextAsync("const a = 1;");
        await Expect(text).Not.ToContainTextAsync("```");
        await Expect(page.GetByTestId("turn").First).ToHaveAttributeAsync("data-state", "running");

        rest.SetResult();

        await Expect(page.GetByTestId("turn").First.GetByTestId("turn-status")).ToHaveTextAsync("done");
        await Expect(text.Locator("pre code")).ToHaveTextAsync("const a = 1;\nconst b = 2;\n");
        await Expect(text.Locator("p").Last).ToHaveTextAsync("After the fence.");
    }

    [ChromiumFact]
    public async Task HostileAnswer_ScriptsHandlersJavascriptLinksSvgAndFrames_NothingRunsAndTheMarkdownRenders()
    {
        const string Hostile = """
            **Safe bold** and a [harmless link](https://example.com/).

            <script>window.__pwned = 'script'; alert('script')</script>

            <img src="x" onerror="window.__pwned = 'onerror'; alert('onerror')">

            Inline <b onmouseover="window.__pwned = 'mouseover'">hover me</b> and
            <a href="javascript:window.__pwned='html-link'">html link</a>.

            [click me](javascript:window.__pwned='md-link') and [data](data:text/html,<script>parent.__pwned='data'</script>)

            ![pic](x" onerror="window.__pwned='md-img')

            <svg onload="window.__pwned = 'svg-onload'"><circle r="5"/></svg>

            <svg><script>window.__pwned = 'svg-script'</script></svg>

            <iframe src="javascript:parent.__pwned='iframe'"></iframe>

            <iframe srcdoc="<script>parent.__pwned='srcdoc'</script>"></iframe>

            <math><mtext><table><mglyph><style><img src=x onerror="window.__pwned='math'"></style></mglyph></table></mtext></math>

            <details open ontoggle="window.__pwned = 'ontoggle'">x</details>

            <a href="https://example.com/" onclick="window.__pwned = 'onclick'">plain looking link</a>

            `<script>in code</script>`

            The end.
            """;
        _model.Answer("Be hostile", Hostile);
        var page = await _harness.OpenChatAsync(_context);
        var dialogs = new List<string>();
        page.Dialog += (_, dialog) =>
        {
            dialogs.Add(dialog.Message);
            _ = dialog.DismissAsync();
        };

        var turn = await SendAndWaitAsync(page, "Be hostile");

        var text = turn.GetByTestId("assistant-text");
        await Expect(text.Locator("strong")).ToHaveTextAsync("Safe bold");
        await Expect(text.Locator("a[href='https://example.com/']").First).ToHaveTextAsync("harmless link");
        await Expect(text.Locator("p").Last).ToHaveTextAsync("The end.");
        await Expect(text.Locator("code").Last).ToHaveTextAsync("<script>in code</script>");
        var defused = text.Locator("a:not([href^='https:'])");
        await Expect(defused).ToHaveCountAsync(2);
        foreach (var link in await defused.AllAsync()) await link.ClickAsync();
        await text.GetByText("hover me").HoverAsync();
        var found = await text.EvaluateAsync<string[]>("""
            root => [
              ...[...root.querySelectorAll('script, iframe, svg, math, img, style, object, embed')].map(e => e.tagName),
              ...[...root.querySelectorAll('*')].flatMap(e => [...e.attributes].map(a => a.name)).filter(n => n.startsWith('on')),
              ...[...root.querySelectorAll('[href], [src]')].map(e => e.getAttribute('href') ?? e.getAttribute('src'))
                .filter(u => !/^https:/.test(u)),
            ]
            """);
        Assert.Empty(found);
        Assert.Null(await page.EvaluateAsync<string?>("() => window.__pwned ?? null"));
        Assert.Empty(dialogs);
        await _harness.ScreenshotAsync(page, "chat-hostile-answer");
    }

    private static async Task<ILocator> SendAndWaitAsync(IPage page, string text)
    {
        var before = await page.GetByTestId("turn").CountAsync();
        await page.GetByTestId("message-input").FillAsync(text);
        await page.GetByTestId("send").ClickAsync();
        var turn = page.GetByTestId("turn").Nth(before);
        await Expect(turn.GetByTestId("turn-status")).ToHaveTextAsync("done");
        return turn;
    }
}
