using System.Text.RegularExpressions;

namespace Conduit.Local.Model;

/// <summary>The offline model's unit of text: a run of non-whitespace, counted in place of tokens.</summary>
internal static partial class Words
{
    private const string Ellipsis = "…";

    public static int Count(string? text) => string.IsNullOrEmpty(text) ? 0 : Word().Count(text);

    /// <summary>Each word with the whitespace that follows it, so the pieces concatenate back to the text.</summary>
    public static IEnumerable<string> WithTrailingWhitespace(string text) =>
        WordWithTrailingWhitespace().Matches(text).Select(match => match.Value);

    /// <summary>The first <paramref name="maxWords"/> words on one line, with an ellipsis when some were left out.</summary>
    public static string Excerpt(string text, int maxWords)
    {
        var words = Word().Matches(text).Select(match => match.Value).ToList();
        var excerpt = string.Join(' ', words.Take(maxWords));
        return words.Count > maxWords ? excerpt + Ellipsis : excerpt;
    }

    [GeneratedRegex(@"\S+")]
    private static partial Regex Word();

    [GeneratedRegex(@"\S+\s*")]
    private static partial Regex WordWithTrailingWhitespace();
}
