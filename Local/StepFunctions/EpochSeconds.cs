namespace Conduit.Local.StepFunctions;

/// <summary>Timestamps as the AWS JSON protocol sends them: epoch seconds, a JSON number with the milliseconds as a fraction.</summary>
public static class EpochSeconds
{
    public static double Of(DateTimeOffset time) => time.ToUnixTimeMilliseconds() / 1000.0;
}
