using Conduit.Local.Knowledge;

namespace Conduit.Tests.Local.Knowledge;

public sealed class MarkdownChunkerTests
{
    [Fact]
    public void Chunk_NestedHeadings_TitleIsHeadingPath()
    {
        const string markdown = """
            # Protocol

            Frames are JSON objects.

            ## Server frames

            The server sends tokens.

            ### Ping

            Sent every thirty seconds.

            ## Client frames

            The client sends messages.
            """;

        var titles = MarkdownChunker.Chunk("protocol.md", markdown).Select(chunk => chunk.Title);

        Assert.Equal(
            ["Protocol", "Protocol › Server frames", "Protocol › Server frames › Ping", "Protocol › Client frames"],
            titles);
    }

    [Fact]
    public void Chunk_NoH1_TitleStartsWithFileName()
    {
        const string markdown = """
            Some introduction.

            ## Install

            Run the installer.
            """;

        var chunks = MarkdownChunker.Chunk("guides/getting-started.md", markdown);

        Assert.Equal(["getting-started", "getting-started › Install"], chunks.Select(chunk => chunk.Title));
    }

    [Fact]
    public void Chunk_TextBeforeFirstH1_TakesDocumentTitle()
    {
        const string markdown = """
            Preface text.

            # Handbook

            Body text.
            """;

        var chunks = MarkdownChunker.Chunk("handbook.md", markdown);

        Assert.All(chunks, chunk => Assert.Equal("Handbook", chunk.Title));
    }

    [Fact]
    public void Chunk_SetextHeadings_RecognisedAsHeadings()
    {
        const string markdown = """
            Guide
            =====

            Intro.

            Setup
            -----

            Steps.
            """;

        var chunks = MarkdownChunker.Chunk("guide.md", markdown);

        Assert.Equal(["Guide", "Guide › Setup"], chunks.Select(chunk => chunk.Title));
        Assert.Equal(["Intro.", "Steps."], chunks.Select(chunk => chunk.Text));
    }

    [Fact]
    public void Chunk_ShortParagraphsUnderSameHeading_MergedIntoOneChunk()
    {
        const string markdown = """
            # Limits

            First paragraph.

            Second paragraph.

            - item one
            - item two
            """;

        var chunk = Assert.Single(MarkdownChunker.Chunk("limits.md", markdown));

        Assert.Equal("First paragraph.\n\nSecond paragraph.\n\n- item one\n- item two", chunk.Text);
    }

    [Fact]
    public void Chunk_ParagraphsUnderDifferentHeadings_NotMerged()
    {
        const string markdown = """
            # A

            Under A.

            # B

            Under B.
            """;

        var chunks = MarkdownChunker.Chunk("doc.md", markdown);

        Assert.Equal(["Under A.", "Under B."], chunks.Select(chunk => chunk.Text));
    }

    [Fact]
    public void Chunk_ParagraphsBeyondLimit_StartNewChunk()
    {
        var paragraph = string.Join(' ', Enumerable.Repeat("word", 100)) + ".";
        var markdown = string.Join("\n\n", Enumerable.Repeat(paragraph, 5));

        var chunks = MarkdownChunker.Chunk("doc.md", markdown);

        Assert.True(chunks.Count > 1);
        Assert.All(chunks, chunk => Assert.True(chunk.Text.Length <= MarkdownChunker.MaxChunkLength));
        Assert.Equal(5, chunks.Sum(chunk => chunk.Text.Split("\n\n").Length));
    }

    [Fact]
    public void Chunk_CodeFence_KeptWholeWithBlankLinesAndHashes()
    {
        const string markdown = """
            # Build

            ```bash
            # not a heading
            dotnet build

            dotnet test
            ```

            After the code.
            """;

        var chunks = MarkdownChunker.Chunk("build.md", markdown);

        var chunk = Assert.Single(chunks);
        Assert.Equal("Build", chunk.Title);
        Assert.Contains("```bash\n# not a heading\ndotnet build\n\ndotnet test\n```", chunk.Text, StringComparison.Ordinal);
        Assert.EndsWith("After the code.", chunk.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Chunk_CodeFenceLongerThanLimit_NotSplit()
    {
        var code = string.Join('\n', Enumerable.Range(0, 200).Select(line => $"line {line}: do something;"));
        var markdown = $"# Code\n\nIntro.\n\n~~~\n{code}\n~~~\n";

        var chunks = MarkdownChunker.Chunk("code.md", markdown);

        Assert.Equal(2, chunks.Count);
        Assert.Equal($"~~~\n{code}\n~~~", chunks[1].Text);
    }

    [Fact]
    public void Chunk_LongParagraph_SplitAtSentenceBoundaries()
    {
        var sentences = Enumerable.Range(1, 40).Select(index => $"Sentence number {index} explains one more detail of the "
            + $"protocol.").ToList();
        var markdown = "# Long\n\n" + string.Join(' ', sentences);

        var chunks = MarkdownChunker.Chunk("long.md", markdown);

        Assert.True(chunks.Count > 1);
        Assert.All(chunks, chunk =>
        {
            Assert.True(chunk.Text.Length <= MarkdownChunker.MaxChunkLength);
            Assert.StartsWith("Sentence number", chunk.Text, StringComparison.Ordinal);
            Assert.EndsWith("protocol.", chunk.Text, StringComparison.Ordinal);
        });
        Assert.Equal(string.Join(' ', sentences), string.Join(' ', chunks.Select(chunk => chunk.Text)));
    }

    [Fact]
    public void Chunk_FrontMatter_Skipped()
    {
        const string markdown = """
            ---
            title: ignored
            ---
            # Real title

            Body.
            """;

        var chunk = Assert.Single(MarkdownChunker.Chunk("doc.md", markdown));

        Assert.Equal("Real title", chunk.Title);
        Assert.Equal("Body.", chunk.Text);
    }

    [Fact]
    public void Chunk_SeveralChunks_SourceAndPositionsSet()
    {
        const string markdown = """
            # A

            One.

            ## B

            Two.
            """;

        var chunks = MarkdownChunker.Chunk("docs/a.md", markdown);

        Assert.Equal([0, 1], chunks.Select(chunk => chunk.Position));
        Assert.All(chunks, chunk => Assert.Equal("docs/a.md", chunk.Source));
    }

    [Fact]
    public void Chunk_HeadingsOnly_NoChunks()
    {
        Assert.Empty(MarkdownChunker.Chunk("empty.md", "# Title\n\n## Section\n"));
    }
}
