using Conduit.Core.Chat;
using Conduit.Core.Protocol;

namespace Conduit.Tests.Core.Chat;

public sealed class TurnErrorsTests
{
    [Theory]
    [InlineData("InvalidOperationException")]
    [InlineData("NullReferenceException")]
    [InlineData("Conduit.Aws.AwsValidationException")]
    [InlineData("States.Runtime")]
    public void Classify_AnyOtherError_SaysTurnFailedWithoutNamingTheError(string errorName)
    {
        var error = TurnErrors.Classify(errorName, "r-17");

        Assert.Equal((ErrorCodes.TurnFailed, false), (error.Code, error.Retryable));
        Assert.DoesNotContain(errorName, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", error.Message, StringComparison.Ordinal);
        Assert.Contains("r-17", error.Message, StringComparison.Ordinal);
    }
}
