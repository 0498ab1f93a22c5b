namespace Conduit.Core.Observability;

public enum MetricUnit
{
    Milliseconds,
    Count,
}
