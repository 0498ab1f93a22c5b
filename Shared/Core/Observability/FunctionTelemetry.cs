using Conduit.Core.Contracts;
using Microsoft.Extensions.Logging;

namespace Conduit.Core.Observability;

/// <summary>
/// What every Lambda entry point does around its one call into Shared: a log scope carrying the turn's ids and
/// phase (so every line of the invocation has them) and one metrics record for the invocation.
/// </summary>
public sealed class FunctionTelemetry(ILoggerFactory loggers, IMetrics metrics)
{
    public IMetrics Metrics => metrics;

    public ILoggerFactory Loggers => loggers;

    public IDisposable Begin(string function, TurnReference? turn, string? phase = null, string? connectionId = null)
    {
        var logger = loggers.CreateLogger(function);
        var scope = logger.BeginScope(new Dictionary<string, object?>
        {
            ["function"] = function,
            ["requestId"] = turn?.RequestId,
            ["sessionId"] = turn?.SessionId,
            ["connectionId"] = turn?.ConnectionId ?? connectionId,
            ["phase"] = phase,
        });
        return new Invocation(scope, metrics.BeginInvocation(function, turn?.RequestId));
    }

    private sealed class Invocation(IDisposable? scope, IDisposable metrics) : IDisposable
    {
        public void Dispose()
        {
            metrics.Dispose();
            scope?.Dispose();
        }
    }
}
