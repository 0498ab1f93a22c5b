using Conduit.Aws;
using Conduit.Aws.Lambda;
using Conduit.Tests.Support;

namespace Conduit.Tests.Aws.Lambda;

public sealed class LambdaDeadlineTests
{
    private static readonly DateTimeOffset Start = new(2026, 12, 7, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Until_Deadline_CancelsTheReportMarginBeforeIt()
    {
        var clock = new ManualTimeProvider(Start);
        using var deadline = LambdaDeadline.Until(Start.AddSeconds(30), clock);

        clock.Advance(TimeSpan.FromSeconds(30) - LambdaDeadline.ReportMargin - TimeSpan.FromMilliseconds(1));
        Assert.False(deadline.IsCancellationRequested);
        clock.Advance(TimeSpan.FromMilliseconds(1));
        Assert.True(deadline.IsCancellationRequested);
    }

    [Fact]
    public void Until_ShortDeadline_KeepsHalfTheTimeForTheWork()
    {
        var clock = new ManualTimeProvider(Start);
        using var deadline = LambdaDeadline.Until(Start.AddSeconds(1), clock);

        clock.Advance(TimeSpan.FromMilliseconds(499));
        Assert.False(deadline.IsCancellationRequested);
        clock.Advance(TimeSpan.FromMilliseconds(1));
        Assert.True(deadline.IsCancellationRequested);
    }

    [Fact]
    public void Until_PassedOrUnknownDeadline_CancelsAtOnceOrNever()
    {
        var clock = new ManualTimeProvider(Start);

        using var passed = LambdaDeadline.Until(Start.AddSeconds(-1), clock);
        using var unknown = LambdaDeadline.Until(null, clock);
        clock.Advance(TimeSpan.FromDays(1));

        Assert.True(passed.IsCancellationRequested);
        Assert.False(unknown.IsCancellationRequested);
    }

    [Theory]
    [InlineData("300", 300)]
    [InlineData(null, null)]
    [InlineData("0", null)]
    [InlineData("soon", null)]
    public void FromConfiguredTimeout_FunctionTimeoutSeconds_IsTheDeadlineFromNow(string? configured, int? seconds)
    {
        var environment = new AwsEnvironment(name => name == AwsEnvironment.FunctionTimeoutSeconds ? configured : null);

        Assert.Equal(
            seconds is { } s ? Start.AddSeconds(s) : null,
            LambdaDeadline.FromConfiguredTimeout(environment, new ManualTimeProvider(Start)));
    }
}
