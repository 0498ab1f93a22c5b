using System.Text;

namespace Conduit.Tests.Support;

/// <summary>A scripted answer: status, headers and a body, written as a whole or in chunks with flushes between.</summary>
public sealed record ScriptedResponse(int Status, IReadOnlyList<byte[]> BodyChunks, IReadOnlyDictionary<string, string>? Headers = null)
{
    public static ScriptedResponse Json(int status, string body, IReadOnlyDictionary<string, string>? headers = null) =>
        new(status, [Encoding.UTF8.GetBytes(body)], Merge(headers, "Content-Type", "application/json"));

    public static ScriptedResponse AwsJson(int status, string body, IReadOnlyDictionary<string, string>? headers = null) =>
        new(status, [Encoding.UTF8.GetBytes(body)], Merge(headers, "Content-Type", "application/x-amz-json-1.0"));

    private static Dictionary<string, string> Merge(IReadOnlyDictionary<string, string>? headers, string name, string value)
    {
        var merged = headers is null
            ? new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
            : new Dictionary<string, string>(headers, StringComparer.OrdinalIgnoreCase);
        merged.TryAdd(name, value);
        return merged;
    }
}
