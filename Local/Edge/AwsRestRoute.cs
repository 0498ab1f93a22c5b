namespace Conduit.Local.Edge;

/// <summary>
/// One REST-JSON operation: its method, its path template (literal segments and <c>{label}</c>s, each label one
/// percent-decoded segment) and what runs it.
/// </summary>
public sealed record AwsRestRoute(string Method, string PathTemplate, Func<AwsRestRequest, Task> HandleAsync)
{
    private readonly string[] _segments = PathTemplate.Trim('/').Split('/');

    /// <summary>The labels' values when <paramref name="rawPathSegments"/> (still percent-encoded) fit the template, else null.</summary>
    public IReadOnlyDictionary<string, string>? Match(string method, IReadOnlyList<string> rawPathSegments)
    {
        if (!string.Equals(method, Method, StringComparison.OrdinalIgnoreCase) || rawPathSegments.Count != _segments.Length) return null;
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < _segments.Length; i++)
        {
            var segment = _segments[i];
            var value = Uri.UnescapeDataString(rawPathSegments[i]);
            if (segment.StartsWith('{') && segment.EndsWith('}'))
            {
                if (value.Length == 0) return null;
                labels[segment[1..^1]] = value;
            }
            else if (!string.Equals(segment, value, StringComparison.Ordinal)) return null;
        }
        return labels;
    }
}
