using System.Text.RegularExpressions;

namespace Conduit.Local.Knowledge;

internal enum MarkdownContentKind
{
    Paragraph,
    ListItem,
    Code,
}

internal abstract record MarkdownBlock;

internal sealed record MarkdownHeading(int Level, string Text) : MarkdownBlock;

internal sealed record MarkdownContent(MarkdownContentKind Kind, string Text) : MarkdownBlock;

/// <summary>
/// Reads the block structure of a Markdown document: headings (ATX and setext), paragraphs,
/// list items and fenced code. It covers what documentation folders use, not all of CommonMark.
/// </summary>
internal static partial class MarkdownBlockParser
{
    public static IReadOnlyList<MarkdownBlock> Parse(string markdown)
    {
        var lines = markdown.ReplaceLineEndings("\n").Split('\n');
        var blocks = new List<MarkdownBlock>();
        var pending = new PendingLines();

        for (var i = FirstLineAfterFrontMatter(lines); i < lines.Length; i++)
        {
            var line = lines[i];
            if (string.IsNullOrWhiteSpace(line))
            {
                pending.CloseInto(blocks);
            }
            else if (FenceOpening().Match(line) is { Success: true } fence)
            {
                pending.CloseInto(blocks);
                i = ReadFencedCode(lines, i, fence.Groups["marker"].Value, blocks);
            }
            else if (AtxHeading().Match(line) is { Success: true } heading)
            {
                pending.CloseInto(blocks);
                blocks.Add(new MarkdownHeading(heading.Groups["hashes"].Length, heading.Groups["text"].Value.Trim()));
            }
            else if (pending.HoldsParagraph && SetextUnderline().IsMatch(line))
            {
                var level = line.TrimStart()[0] == '=' ? 1 : 2;
                blocks.Add(new MarkdownHeading(level, pending.Take().ReplaceLineEndings(" ")));
            }
            else if (ThematicBreak().IsMatch(line))
            {
                pending.CloseInto(blocks);
            }
            else if (ListItemStart().IsMatch(line))
            {
                pending.CloseInto(blocks);
                pending.Start(MarkdownContentKind.ListItem, line.TrimEnd());
            }
            else
            {
                pending.Append(line.Trim());
            }
        }

        pending.CloseInto(blocks);
        return blocks;
    }

    private static int FirstLineAfterFrontMatter(string[] lines)
    {
        if (lines.Length == 0 || lines[0].TrimEnd() != "---")
        {
            return 0;
        }

        for (var i = 1; i < lines.Length; i++)
        {
            if (lines[i].TrimEnd() is "---" or "...")
            {
                return i + 1;
            }
        }

        return 0;
    }

    /// <summary>Adds the code block opened at <paramref name="opening"/> and returns the index of its last line.</summary>
    private static int ReadFencedCode(string[] lines, int opening, string marker, List<MarkdownBlock> blocks)
    {
        // An unclosed fence runs to the end of the document, as CommonMark specifies.
        var closing = lines.Length - 1;
        for (var i = opening + 1; i < lines.Length; i++)
        {
            var candidate = lines[i].Trim();
            if (candidate.Length >= marker.Length && candidate.All(c => c == marker[0]))
            {
                closing = i;
                break;
            }
        }

        blocks.Add(new MarkdownContent(MarkdownContentKind.Code, string.Join('\n', lines[opening..(closing + 1)]).TrimEnd()));
        return closing;
    }

    [GeneratedRegex(@"^ {0,3}(?<marker>`{3,}|~{3,})")]
    private static partial Regex FenceOpening();

    [GeneratedRegex(@"^ {0,3}(?<hashes>#{1,6})(?:[ \t]+(?<text>.*?))?(?:[ \t]+#+)?[ \t]*$")]
    private static partial Regex AtxHeading();

    [GeneratedRegex(@"^ {0,3}(?:=+|-+)[ \t]*$")]
    private static partial Regex SetextUnderline();

    [GeneratedRegex(@"^ {0,3}(?:(?:\*[ \t]*){3,}|(?:-[ \t]*){3,}|(?:_[ \t]*){3,})$")]
    private static partial Regex ThematicBreak();

    [GeneratedRegex(@"^[ \t]*(?:[-*+]|\d{1,9}[.)])(?:[ \t]+|$)")]
    private static partial Regex ListItemStart();

    /// <summary>The lines of the paragraph or list item being read, until a blank line or another block ends it.</summary>
    private sealed class PendingLines
    {
        private readonly List<string> _lines = [];
        private MarkdownContentKind _kind;

        public bool HoldsParagraph => _lines.Count > 0 && _kind == MarkdownContentKind.Paragraph;

        public void Start(MarkdownContentKind kind, string line)
        {
            _lines.Clear();
            _kind = kind;
            _lines.Add(line);
        }

        public void Append(string line)
        {
            if (_lines.Count == 0)
            {
                _kind = MarkdownContentKind.Paragraph;
            }

            _lines.Add(line);
        }

        public string Take()
        {
            var text = string.Join('\n', _lines);
            _lines.Clear();
            return text;
        }

        public void CloseInto(List<MarkdownBlock> blocks)
        {
            if (_lines.Count > 0)
            {
                blocks.Add(new MarkdownContent(_kind, Take()));
            }
        }
    }
}
