using System.Text;

namespace Conduit.Local.Terminal;

/// <summary>
/// Markdown as a terminal shows it best, written as it streams: code blocks indented by four spaces without their
/// fences, list items kept (bullets as •), headings and quotes marked, table rows with their cells apart, rules drawn.
/// Only the start of a line decides its kind, so text after it streams through as it comes; a line that could be a
/// fence, a rule or a table row is held until it ends, which such lines do quickly. Inline marks (`code`, **bold**,
/// links) stay as written: they read well enough as text.
/// </summary>
public sealed class TerminalMarkdown(bool ansi)
{
    private const string Bold = "\e[1m";
    private const string Dim = "\e[2m";
    private const string Reset = "\e[0m";
    private const string CodeIndent = "    ";

    private readonly StringBuilder _pending = new();
    private string? _fence;
    private bool _lineDecided;
    private bool _styledLine;

    /// <summary>The rendering of a whole text at once, as the stream would have shown it.</summary>
    public static string ToPlainText(string markdown)
    {
        var renderer = new TerminalMarkdown(ansi: false);
        return renderer.Append(markdown) + renderer.Flush();
    }

    /// <summary>Takes the next piece of the answer and returns what can be written now.</summary>
    public string Append(string text)
    {
        var output = new StringBuilder();
        foreach (var character in text)
        {
            if (_lineDecided)
            {
                if (character == '\n') EndLine(output);
                else output.Append(character);
                continue;
            }
            _pending.Append(character);
            if (character == '\n')
            {
                _pending.Length--;
                output.Append(Decide(_pending.ToString(), lineEnded: true));
                _pending.Clear();
                EndLine(output);
            }
            else if (Decide(_pending.ToString(), lineEnded: false) is { } start)
            {
                output.Append(start);
                _pending.Clear();
                _lineDecided = true;
            }
        }
        return output.ToString();
    }

    /// <summary>What is still held at the end of the answer; the renderer is then ready for the next one.</summary>
    public string Flush()
    {
        var output = new StringBuilder();
        if (!_lineDecided && _pending.Length > 0) output.Append(Decide(_pending.ToString(), lineEnded: true));
        if (_styledLine) output.Append(Reset);
        _pending.Clear();
        _fence = null;
        _lineDecided = false;
        _styledLine = false;
        return output.ToString();
    }

    private void EndLine(StringBuilder output)
    {
        if (_styledLine) output.Append(Reset);
        output.Append('\n');
        _lineDecided = false;
        _styledLine = false;
    }

    /// <summary>The rendered start of a line, or null while its first characters could still mean something else.</summary>
    private string? Decide(string line, bool lineEnded)
    {
        var trimmed = line.TrimStart(' ');
        var indent = line.Length - trimmed.Length;
        if (FenceMarker(trimmed, indent) is { } marker)
        {
            if (!lineEnded) return null;
            return OpenOrCloseFence(marker, trimmed);
        }
        if (_fence is not null) return MayBecomeFence(trimmed, indent, lineEnded) ? null : line.Length == 0 ? "" : CodeIndent + line;
        if (!lineEnded && MayBecomeSpecial(trimmed)) return null;

        if (IsRule(trimmed)) return Styled(Dim, new string('─', 40));
        if (trimmed.StartsWith('|')) return lineEnded ? TableRow(trimmed) : null;
        if (Heading(trimmed) is { } heading) return Styled(Bold, heading);
        if (trimmed.StartsWith("> ", StringComparison.Ordinal) || trimmed == ">") return "│ " + trimmed[1..].TrimStart();
        if (trimmed.Length >= 2 && trimmed[0] is '-' or '*' or '+' && trimmed[1] == ' ')
            return new string(' ', indent) + "• " + trimmed[2..];
        return line;
    }

    private string OpenOrCloseFence(string marker, string trimmed)
    {
        if (_fence is null)
        {
            _fence = marker;
            var language = trimmed[marker.Length..].Trim();
            return language.Length > 0 ? Styled(Dim, CodeIndent + language) : "";
        }
        if (trimmed.TrimEnd() == new string(marker[0], trimmed.TrimEnd().Length) && trimmed.TrimEnd().Length >= _fence.Length
            && marker[0] == _fence[0])
        {
            _fence = null;
            return "";
        }
        return CodeIndent + trimmed;
    }

    private string Styled(string style, string text)
    {
        if (!ansi) return text;
        _styledLine = true;
        return style + text;
    }

    private static string? FenceMarker(string trimmed, int indent)
    {
        if (indent > 3 || trimmed.Length < 3 || trimmed[0] is not ('`' or '~')) return null;
        var length = 0;
        while (length < trimmed.Length && trimmed[length] == trimmed[0]) length++;
        return length >= 3 ? trimmed[..length] : null;
    }

    private static bool MayBecomeFence(string trimmed, int indent, bool lineEnded) =>
        !lineEnded && indent <= 3 && trimmed.Length < 3 && trimmed.All(c => c is '`' or '~');

    /// <summary>Starts that are still ambiguous: a rule (---), a table row, a fence, a heading's hashes, a list marker.</summary>
    private static bool MayBecomeSpecial(string trimmed) =>
        trimmed.Length == 0
        || trimmed[0] == '|'
        || (trimmed.Length < 3 && trimmed.All(c => c is '`' or '~'))
        || (trimmed[0] is '-' or '*' or '_' && trimmed.All(c => c == trimmed[0] || c == ' '))
        || (trimmed[0] == '#' && trimmed.All(c => c == '#'))
        || (trimmed.Length == 1 && trimmed[0] is '+' or '>');

    private static bool IsRule(string trimmed)
    {
        var marks = trimmed.Replace(" ", "", StringComparison.Ordinal);
        return marks.Length >= 3 && marks[0] is '-' or '*' or '_' && marks.All(c => c == marks[0]);
    }

    private static string? Heading(string trimmed)
    {
        var level = 0;
        while (level < trimmed.Length && trimmed[level] == '#') level++;
        if (level is 0 or > 6 || (level < trimmed.Length && trimmed[level] != ' ')) return null;
        return trimmed[level..].Trim().TrimEnd('#').TrimEnd();
    }

    private static string TableRow(string trimmed)
    {
        var cells = trimmed.Trim().Trim('|').Split('|').Select(cell => cell.Trim()).ToList();
        if (cells.All(cell => cell.Length > 0 && cell.All(c => c is '-' or ':')))
            return string.Join("─┼─", cells.Select(cell => new string('─', cell.Length)));
        return string.Join(" │ ", cells);
    }
}
