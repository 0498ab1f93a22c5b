using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace Conduit.Local.StepFunctions;

/// <summary>
/// A <c>StringMatches</c> pattern: <c>*</c> matches any run of characters, <c>\*</c> a literal asterisk and
/// <c>\\</c> a literal backslash.
/// </summary>
internal sealed class WildcardPattern
{
    // The literal text between wildcards; a pattern with n wildcards has n + 1 segments, some possibly empty.
    private readonly IReadOnlyList<string> _segments;

    private WildcardPattern(IReadOnlyList<string> segments) => _segments = segments;

    public static bool TryParse(string pattern, [NotNullWhen(true)] out WildcardPattern? parsed, [NotNullWhen(false)] out string? problem)
    {
        var segments = new List<string>();
        var segment = new StringBuilder();
        for (var i = 0; i < pattern.Length; i++)
        {
            switch (pattern[i])
            {
                case '*':
                    segments.Add(segment.ToString());
                    segment.Clear();
                    break;
                case '\\' when i + 1 < pattern.Length && pattern[i + 1] is '*' or '\\':
                    segment.Append(pattern[++i]);
                    break;
                case '\\':
                    parsed = null;
                    problem = $"the backslash at character {i + 1} escapes neither \"*\" nor \"\\\"";
                    return false;
                default:
                    segment.Append(pattern[i]);
                    break;
            }
        }

        segments.Add(segment.ToString());
        parsed = new WildcardPattern(segments);
        problem = null;
        return true;
    }

    public bool IsMatch(string text)
    {
        var prefix = _segments[0];
        if (_segments.Count == 1) return text == prefix;

        var suffix = _segments[^1];
        if (prefix.Length + suffix.Length > text.Length
            || !text.StartsWith(prefix, StringComparison.Ordinal)
            || !text.EndsWith(suffix, StringComparison.Ordinal))
        {
            return false;
        }

        // Matching each middle segment at its earliest position is optimal: it leaves the most room for the rest.
        var position = prefix.Length;
        var end = text.Length - suffix.Length;
        for (var i = 1; i < _segments.Count - 1; i++)
        {
            var found = text.IndexOf(_segments[i], position, end - position, StringComparison.Ordinal);
            if (found < 0) return false;
            position = found + _segments[i].Length;
        }

        return true;
    }
}
