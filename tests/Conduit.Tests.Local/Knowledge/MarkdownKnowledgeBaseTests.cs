using Conduit.Local.Knowledge;
using Conduit.Tests.Support;

namespace Conduit.Tests.Local.Knowledge;

public sealed class MarkdownKnowledgeBaseTests : IDisposable
{
    private readonly TemporaryFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void Load_MissingFolder_ThrowsNamingFolder()
    {
        var missing = Path.Combine(_folder.Path, "does-not-exist");

        var exception = Assert.Throws<DirectoryNotFoundException>(() => MarkdownKnowledgeBase.Load(missing));

        Assert.Contains(missing, exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Load_EmptyFolder_FindsNothing()
    {
        var knowledgeBase = MarkdownKnowledgeBase.Load(_folder.Path);

        Assert.Equal(0, knowledgeBase.ChunkCount);
        Assert.Empty(await knowledgeBase.SearchAsync("anything", 5, CancellationToken.None));
        Assert.False(knowledgeBase.SharesTermsWith("anything"));
    }

    [Fact]
    public async Task Load_NestedMarkdownFiles_SourcesRelativeWithForwardSlashes()
    {
        _folder
            .Write("top.md", "# Top\n\nMarker text.")
            .Write(Path.Combine("guides", "deep", "setup.md"), "# Setup\n\nMarker text.")
            .Write("notes.txt", "Marker text.");

        var knowledgeBase = MarkdownKnowledgeBase.Load(_folder.Path);
        var passages = await knowledgeBase.SearchAsync("marker", 10, CancellationToken.None);

        Assert.Equal(2, knowledgeBase.ChunkCount);
        Assert.Equal(["guides/deep/setup.md", "top.md"], passages.Select(passage => passage.Source).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task SearchAsync_QuestionAboutOneTopic_RelevantChunkRanksFirst()
    {
        _folder
            .Write("protocol.md", """
                # Protocol

                Clients connect over a WebSocket and send JSON frames.

                ## Server frames

                The server streams each token of the answer as a token frame, then an end frame.
                """)
            .Write("operations.md", """
                # Operations

                Deploy with the CDK. Alarms page the on-call engineer when errors rise.
                """)
            .Write("pricing.md", """
                # Pricing

                Each answer costs tokens; the server records usage per tenant.
                """);

        var knowledgeBase = MarkdownKnowledgeBase.Load(_folder.Path);
        var passages = await knowledgeBase.SearchAsync("How are answer tokens streamed by the server?", 3, CancellationToken.None);

        Assert.Equal(("protocol.md", "Protocol › Server frames"), (passages[0].Source, passages[0].Title));
        Assert.All(passages, passage => Assert.True(passage.Score > 0));
        Assert.Equal(passages.Select(passage => passage.Score).OrderDescending(), passages.Select(passage => passage.Score));
    }

    [Fact]
    public async Task SearchAsync_RareAndCommonTerms_RareTermDecides()
    {
        _folder
            .Write("a.md", "# A\n\nThe server sends a heartbeat.")
            .Write("b.md", "# B\n\nThe server restarts the server when the server fails.")
            .Write("c.md", "# C\n\nThe server writes logs.");

        var knowledgeBase = MarkdownKnowledgeBase.Load(_folder.Path);
        var passages = await knowledgeBase.SearchAsync("server heartbeat", 3, CancellationToken.None);

        Assert.Equal("a.md", passages[0].Source);
        Assert.Equal(3, passages.Count);
    }

    [Fact]
    public async Task SearchAsync_OnlyStopWords_ReturnsNothing()
    {
        _folder.Write("a.md", "# A\n\nThe server sends a heartbeat.");

        var passages = await MarkdownKnowledgeBase.Load(_folder.Path).SearchAsync("what is the", 3, CancellationToken.None);

        Assert.Empty(passages);
    }

    [Theory]
    [InlineData("How often is the heartbeat sent?", true)]
    [InlineData("heartbeats", true)]
    [InlineData("What is it?", false)]
    [InlineData("banana bread recipe", false)]
    [InlineData("", false)]
    public void SharesTermsWith_Text_TrueOnlyForIndexedTerms(string text, bool expected)
    {
        _folder.Write("a.md", "# Liveness\n\nThe server sends a heartbeat.");

        Assert.Equal(expected, MarkdownKnowledgeBase.Load(_folder.Path).SharesTermsWith(text));
    }
}
