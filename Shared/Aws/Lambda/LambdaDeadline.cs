using System.Globalization;

namespace Conduit.Aws.Lambda;

/// <summary>
/// When an invocation must have stopped: Lambda's deadline less a margin to report in. On provided.al2023 the
/// Runtime API gives the deadline; the managed runtime gives a Stream handler none, so it is the invocation's start
/// plus the function's Timeout (template.yaml passes it as FUNCTION_TIMEOUT_SECONDS).
/// </summary>
public static class LambdaDeadline
{
    /// <summary>Long enough to throw, log and answer; never more than half the time there is.</summary>
    public static readonly TimeSpan ReportMargin = TimeSpan.FromSeconds(2);

    /// <summary>A token cancelled at <paramref name="deadline"/> less the margin; none for an unknown deadline.</summary>
    public static CancellationTokenSource Until(DateTimeOffset? deadline, TimeProvider time)
    {
        if (deadline is not { } end) return new CancellationTokenSource();
        var remaining = end - time.GetUtcNow();
        var margin = TimeSpan.FromTicks(Math.Min(ReportMargin.Ticks, Math.Max(remaining.Ticks, 0) / 2));
        return new CancellationTokenSource(remaining - margin > TimeSpan.Zero ? remaining - margin : TimeSpan.Zero, time);
    }

    /// <summary>The managed runtime's deadline for an invocation starting now, from the configured timeout.</summary>
    public static DateTimeOffset? FromConfiguredTimeout(AwsEnvironment environment, TimeProvider time) =>
        environment.Optional(AwsEnvironment.FunctionTimeoutSeconds) is { } text
            && int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) && seconds > 0
                ? time.GetUtcNow().AddSeconds(seconds)
                : null;
}
