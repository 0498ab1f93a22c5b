using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Conduit.Core.Observability;

namespace Conduit.Aws.Observability;

/// <summary>
/// CloudWatch Embedded Metric Format: one JSON line per invocation on stdout, which CloudWatch turns into metrics
/// in <see cref="Namespace"/> with the dimension Function, no API call needed. The requestId travels as a
/// property, so a metric data point leads back to its turn in Logs Insights.
/// </summary>
public sealed class EmfMetrics(TextWriter output, TimeProvider time) : IMetrics
{
    public const string Namespace = "Conduit";

    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private readonly AsyncLocal<Invocation?> _current = new();
    private readonly Lock _writeGate = new();

    public IDisposable BeginInvocation(string function, string? requestId)
    {
        var invocation = new Invocation(this, function, requestId, _current.Value);
        _current.Value = invocation;
        return invocation;
    }

    public void Add(string name, double value, MetricUnit unit)
    {
        var invocation = _current.Value;
        if (invocation is null) return;
        lock (invocation.Values)
        {
            if (!invocation.Values.TryGetValue(name, out var entry)) invocation.Values[name] = entry = (unit, []);
            entry.Values.Add(value);
        }
    }

    public void AddDimension(string name, string value)
    {
        if (_current.Value is { } invocation) invocation.Dimensions[name] = value;
    }

    private void Write(Invocation invocation)
    {
        _current.Value = invocation.Outer;
        if (invocation.Values.Count == 0) return;
        var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, WriterOptions))
        {
            json.WriteStartObject();
            json.WriteStartObject("_aws");
            json.WriteNumber("Timestamp", time.GetUtcNow().ToUnixTimeMilliseconds());
            json.WriteStartArray("CloudWatchMetrics");
            json.WriteStartObject();
            json.WriteString("Namespace", Namespace);
            json.WriteStartArray("Dimensions");
            json.WriteStartArray();
            json.WriteStringValue("Function");
            foreach (var dimension in invocation.Dimensions.Keys) json.WriteStringValue(dimension);
            json.WriteEndArray();
            json.WriteEndArray();
            json.WriteStartArray("Metrics");
            foreach (var (name, entry) in invocation.Values)
            {
                json.WriteStartObject();
                json.WriteString("Name", name);
                json.WriteString("Unit", entry.Unit.ToString());
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
            json.WriteEndArray();
            json.WriteEndObject();
            json.WriteString("Function", invocation.Function);
            foreach (var (dimension, value) in invocation.Dimensions) json.WriteString(dimension, value);
            if (invocation.RequestId is not null) json.WriteString("requestId", invocation.RequestId);
            foreach (var (name, entry) in invocation.Values)
            {
                json.WriteStartArray(name);
                foreach (var value in entry.Values) json.WriteNumberValue(value);
                json.WriteEndArray();
            }
            json.WriteEndObject();
        }
        var line = Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
        lock (_writeGate) output.WriteLine(line);
    }

    private sealed class Invocation(EmfMetrics owner, string function, string? requestId, Invocation? outer) : IDisposable
    {
        public string Function { get; } = function;
        public string? RequestId { get; } = requestId;
        public Invocation? Outer { get; } = outer;
        public Dictionary<string, (MetricUnit Unit, List<double> Values)> Values { get; } = new(StringComparer.Ordinal);
        public Dictionary<string, string> Dimensions { get; } = new(StringComparer.Ordinal);

        public void Dispose() => owner.Write(this);
    }
}
