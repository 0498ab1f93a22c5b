namespace Conduit.Core.Observability;

/// <summary>
/// The measurements an invocation makes (time to first token, tokens, frames posted, …). Values are gathered per
/// invocation and written once when it ends, so a turn with a thousand frames costs one metrics record, not a
/// thousand.
/// </summary>
public interface IMetrics
{
    /// <summary>Starts gathering for one handler invocation; disposing it writes what was gathered.</summary>
    IDisposable BeginInvocation(string function, string? requestId);

    void Add(string name, double value, MetricUnit unit);

    /// <summary>Splits this invocation's metrics by one more dimension, e.g. a failure's error code.</summary>
    void AddDimension(string name, string value);
}
