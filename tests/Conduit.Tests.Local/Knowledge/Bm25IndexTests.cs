using Conduit.Local.Knowledge;

namespace Conduit.Tests.Local.Knowledge;

public sealed class Bm25IndexTests
{
    [Fact]
    public void Search_TermInOneOfTwoEqualLengthChunks_ScoresClassicIdf()
    {
        var index = new Bm25Index([Chunk("a.md", "alpha beta"), Chunk("b.md", "gamma delta")]);

        var result = Assert.Single(index.Search("alpha", 10));

        // At average length with a frequency of one the term weight is exactly 1, leaving idf = ln(1 + 1.5/1.5).
        Assert.Equal(Math.Log(2), result.Score, precision: 12);
    }

    [Fact]
    public void Search_SameTermFrequencyDifferentLengths_ShorterChunkRanksFirst()
    {
        var index = new Bm25Index(
        [
            Chunk("long.md", "retries happen after failures while connections drain slowly across regions overnight"),
            Chunk("short.md", "retries happen"),
            Chunk("other.md", "unrelated words here"),
        ]);

        var results = index.Search("retries", 10);

        Assert.Equal(["short.md", "long.md"], results.Select(result => result.Chunk.Source));
        Assert.True(results[0].Score > results[1].Score);
    }

    [Fact]
    public void Search_EqualScores_OrderedBySourceThenPosition()
    {
        var index = new Bm25Index(
        [
            Chunk("b.md", "token", position: 0),
            Chunk("a.md", "token", position: 1),
            Chunk("a.md", "token", position: 0),
            Chunk("c.md", "other"),
        ]);

        var results = index.Search("token", 10);

        Assert.Equal(
            [("a.md", 0), ("a.md", 1), ("b.md", 0)],
            results.Select(result => (result.Chunk.Source, result.Chunk.Position)));
    }

    [Fact]
    public void Search_MaxResults_LimitsResults()
    {
        var index = new Bm25Index(Enumerable.Range(0, 5).Select(position => Chunk("a.md", "token", position)));

        Assert.Equal(2, index.Search("token", 2).Count);
    }

    [Fact]
    public void Search_NoSharedTerm_ReturnsNothing()
    {
        var index = new Bm25Index([Chunk("a.md", "alpha")]);

        Assert.Empty(index.Search("omega", 10));
    }

    [Fact]
    public void Search_TermOnlyInTitle_FindsChunk()
    {
        var index = new Bm25Index([new KnowledgeChunk("a.md", "Heartbeat", "Sent every thirty seconds.", 0), Chunk("b.md", "other")]);

        Assert.Equal("a.md", Assert.Single(index.Search("heartbeat", 10)).Chunk.Source);
    }

    private static KnowledgeChunk Chunk(string source, string text, int position = 0) => new(source, "", text, position);
}
