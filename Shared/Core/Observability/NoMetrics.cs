namespace Conduit.Core.Observability;

public sealed class NoMetrics : IMetrics
{
    public static NoMetrics Instance { get; } = new();

    public IDisposable BeginInvocation(string function, string? requestId) => Invocation.None;

    public void Add(string name, double value, MetricUnit unit)
    {
    }

    public void AddDimension(string name, string value)
    {
    }

    private sealed class Invocation : IDisposable
    {
        public static Invocation None { get; } = new();

        public void Dispose()
        {
        }
    }
}
