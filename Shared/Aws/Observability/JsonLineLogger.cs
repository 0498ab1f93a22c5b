using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace Conduit.Aws.Observability;

/// <summary>
/// Writes every log entry as one JSON object per line: timestamp, level, category, message, the template's named
/// values, and the values of every enclosing scope (requestId, sessionId, connectionId, phase), so CloudWatch
/// Logs Insights can follow one turn across functions with a filter on requestId.
/// </summary>
public sealed class JsonLineLoggerFactory(TextWriter output, LogLevel minimum, TimeProvider time) : ILoggerFactory
{
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private readonly Lock _writeGate = new();
    private readonly LoggerExternalScopeProvider _scopes = new();

    private LogLevel Minimum { get; } = minimum;

    public ILogger CreateLogger(string categoryName) => new JsonLineLogger(this, categoryName);

    /// <summary>Lambda functions log through this factory alone; there is nothing to compose it with.</summary>
    public void AddProvider(ILoggerProvider provider) =>
        throw new NotSupportedException("JsonLineLoggerFactory writes JSON lines itself and takes no other providers.");

    public void Dispose() => output.Flush();

    private void Write<TState>(
        string category, LogLevel level, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, WriterOptions))
        {
            json.WriteStartObject();
            json.WriteString("timestamp", time.GetUtcNow().ToString("O"));
            json.WriteString("level", level.ToString());
            json.WriteString("category", category);
            json.WriteString("message", formatter(state, exception));
            if (eventId.Id != 0) json.WriteNumber("eventId", eventId.Id);
            _scopes.ForEachScope(static (scope, writer) => WriteValues(writer, scope), json);
            WriteValues(json, state);
            if (exception is not null) json.WriteString("exception", exception.ToString());
            json.WriteEndObject();
        }
        var line = Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
        lock (_writeGate) output.WriteLine(line);
    }

    private static void WriteValues(Utf8JsonWriter json, object? values)
    {
        if (values is not IEnumerable<KeyValuePair<string, object?>> pairs) return;
        foreach (var (key, value) in pairs)
        {
            if (key == "{OriginalFormat}") continue;
            var name = char.ToLowerInvariant(key[0]) + key[1..];
            switch (value)
            {
                case null:
                    json.WriteNull(name);
                    break;
                case int or long or double or float or decimal or short:
                    json.WriteNumber(name, Convert.ToDouble(value, System.Globalization.CultureInfo.InvariantCulture));
                    break;
                case bool flag:
                    json.WriteBoolean(name, flag);
                    break;
                default:
                    json.WriteString(name, Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture));
                    break;
            }
        }
    }

    private sealed class JsonLineLogger(JsonLineLoggerFactory provider, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => provider._scopes.Push(state);

        public bool IsEnabled(LogLevel logLevel) => logLevel >= provider.Minimum && logLevel != LogLevel.None;

        public void Log<TState>(
            LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel)) provider.Write(category, logLevel, eventId, state, exception, formatter);
        }
    }
}
