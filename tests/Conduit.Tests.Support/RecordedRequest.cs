using System.Text;

namespace Conduit.Tests.Support;

/// <summary>A request exactly as it reached the wire: raw target, headers and body bytes.</summary>
public sealed record RecordedRequest(string Method, string RawTarget, IReadOnlyDictionary<string, string> Headers, byte[] Body)
{
    public string BodyText => Encoding.UTF8.GetString(Body);

    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;
}
