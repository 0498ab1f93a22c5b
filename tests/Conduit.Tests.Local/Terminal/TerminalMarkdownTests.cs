using Conduit.Local.Terminal;

namespace Conduit.Tests.Local.Terminal;

public sealed class TerminalMarkdownTests
{
    [Fact]
    public void ToPlainText_FencedCode_IsIndentedWithoutItsFencesAndNamesItsLanguage()
    {
        var text = TerminalMarkdown.ToPlainText("Run this:\n```sh\ndotnet run --project Local\n\n  echo done\n```\nThen open the page.");

        Assert.Equal("Run this:\n    sh\n    dotnet run --project Local\n\n      echo done\n\nThen open the page.", text);
    }

    [Fact]
    public void ToPlainText_ListsHeadingsQuotesAndRules_StayReadable()
    {
        var text = TerminalMarkdown.ToPlainText(
            "## Steps\n- one\n  * nested\n+ two\n1. first\n> quoted\n---\n**bold** and `code`");

        var rule = new string('─', 40);
        Assert.Equal($"Steps\n• one\n  • nested\n• two\n1. first\n│ quoted\n{rule}\n**bold** and `code`", text);
    }

    [Fact]
    public void ToPlainText_Table_SeparatesCellsAndDrawsTheHeaderRule()
    {
        var text = TerminalMarkdown.ToPlainText("| name | size |\n|---|:---:|\n| a | 1 |\n");

        Assert.Equal("name │ size\n────┼──────\na │ 1\n", text);
    }

    [Fact]
    public void Append_OneCharacterAtATime_GivesWhatTheWholeTextGives()
    {
        const string markdown =
            "# Title\nSome *text*.\n```js\nconst x = 1;\n```\n- item\n| a | b |\n|--|--|\n|1|2|\n---\n#tag not a heading\n";
        var renderer = new TerminalMarkdown(ansi: false);

        var streamed = string.Concat(markdown.Select(c => renderer.Append(c.ToString()))) + renderer.Flush();

        Assert.Equal(TerminalMarkdown.ToPlainText(markdown), streamed);
        Assert.Contains("#tag not a heading", streamed, StringComparison.Ordinal);
    }

    [Fact]
    public void Append_FenceStillOpen_ShowsItsLinesAsCodeAtOnceUnderABlankLine()
    {
        var renderer = new TerminalMarkdown(ansi: false);

        var shown = renderer.Append("```\nvar answer = 4");

        Assert.Equal("\n    var answer = 4", shown);
        Assert.Equal("", renderer.Flush());
    }

    [Fact]
    public void Append_PlainTextMidLine_IsWrittenWithoutWaitingForTheLineToEnd()
    {
        var renderer = new TerminalMarkdown(ansi: false);

        Assert.Equal("Hel", renderer.Append("Hel"));
        Assert.Equal("lo", renderer.Append("lo"));
    }

    [Fact]
    public void Append_HeadingInAnsi_IsBoldUntilTheLineEnds()
    {
        var renderer = new TerminalMarkdown(ansi: true);

        var shown = renderer.Append("# Hi\nthere");

        Assert.Equal("\e[1mHi\e[0m\nthere", shown);
    }
}
