using Conduit.Local.StepFunctions;

namespace Conduit.Tests.StepFunctions;

public sealed class PageTokenTests
{
    [Fact]
    public void Decode_ATokenOfTheSameRequest_ReturnsItsOffset()
    {
        var token = PageToken.Encode(42, "ListExecutions\narn\nSUCCEEDED");

        Assert.Equal(42, PageToken.Decode(token, "ListExecutions\narn\nSUCCEEDED"));
    }

    [Fact]
    public void Decode_NoToken_StartsAtTheBeginning()
    {
        Assert.Equal(0, PageToken.Decode(null, "ListStateMachines"));
    }

    [Theory]
    [InlineData("ListExecutions\narn\nFAILED")]
    [InlineData("ListExecutions\nother-arn\nSUCCEEDED")]
    public void Decode_ATokenOfAnotherRequest_IsInvalidToken(string request)
    {
        var token = PageToken.Encode(2, "ListExecutions\narn\nSUCCEEDED");

        var failure = Assert.Throws<InvalidTokenException>(() => PageToken.Decode(token, request));

        Assert.Equal("InvalidToken", failure.ErrorCode);
    }

    [Theory]
    [InlineData("%%%")]
    [InlineData("bm90LWEtdG9rZW4")]
    [InlineData("")]
    public void Decode_Garbage_IsInvalidToken(string token)
    {
        Assert.Throws<InvalidTokenException>(() => PageToken.Decode(token, "ListStateMachines"));
    }
}
