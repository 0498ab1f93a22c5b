using Conduit.Local.Knowledge;

namespace Conduit.Tests.Local.Knowledge;

public sealed class SearchTokenizerTests
{
    [Fact]
    public void Tokenize_MixedCaseAndPunctuation_LowercasesAndSplitsOnNonAlphanumerics()
    {
        Assert.Equal(["websocket", "token", "v2"], SearchTokenizer.Tokenize("WebSocket/Token-v2!"));
    }

    [Fact]
    public void Tokenize_StopWordsAndOneLetterTokens_Dropped()
    {
        Assert.Equal(["stream", "token"], SearchTokenizer.Tokenize("How do I stream a token to the x?"));
    }

    [Fact]
    public void Tokenize_OnlyStopWords_ReturnsNothing()
    {
        Assert.Empty(SearchTokenizer.Tokenize("what is it and how would you do that"));
    }

    [Theory]
    [InlineData("streams", "stream")]
    [InlineData("streaming", "stream")]
    [InlineData("streamed", "stream")]
    [InlineData("queries", "query")]
    [InlineData("classes", "class")]
    [InlineData("boxes", "box")]
    [InlineData("stopped", "stop")]
    [InlineData("status", "status")]
    [InlineData("string", "string")]
    [InlineData("http2", "http2")]
    public void Tokenize_SuffixedWord_Stemmed(string word, string expected)
    {
        Assert.Equal([expected], SearchTokenizer.Tokenize(word));
    }

    [Fact]
    public void Tokenize_InflectionsOfOneWord_ShareOneTerm()
    {
        var terms = SearchTokenizer.Tokenize("cache caches cached caching").Distinct();

        Assert.Single(terms);
    }
}
