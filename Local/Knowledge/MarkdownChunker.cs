using System.Text;
using System.Text.RegularExpressions;

namespace Conduit.Local.Knowledge;

/// <summary>
/// Splits a Markdown document into chunks by heading and paragraph. Short blocks under the same
/// heading are merged up to <see cref="MaxChunkLength"/> characters so a chunk carries enough
/// context to rank; longer paragraphs are cut at sentence boundaries; code fences stay whole.
/// </summary>
public static partial class MarkdownChunker
{
    public const int MaxChunkLength = 1200;
    public const string TitleSeparator = " › ";

    private const int HeadingLevels = 6;

    /// <param name="source">
    /// The document's path relative to the knowledge-base folder; its file name titles a document without an H1.
    /// </param>
    /// <param name="markdown">The document's text.</param>
    public static IReadOnlyList<KnowledgeChunk> Chunk(string source, string markdown)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(source);
        ArgumentNullException.ThrowIfNull(markdown);

        var blocks = MarkdownBlockParser.Parse(markdown);
        var documentTitle = blocks.OfType<MarkdownHeading>().FirstOrDefault(h => h.Level == 1 && h.Text.Length > 0)?.Text
            ?? Path.GetFileNameWithoutExtension(source);

        var chunks = new List<KnowledgeChunk>();
        foreach (var section in Sections(blocks, documentTitle))
        {
            var pieces = section.Contents.SelectMany(SplitToFit);
            foreach (var text in PackGreedily(pieces, piece => piece.Text, SeparatorBetween))
            {
                chunks.Add(new KnowledgeChunk(source, section.Title, text, chunks.Count));
            }
        }

        return chunks;
    }

    private static IEnumerable<Section> Sections(IEnumerable<MarkdownBlock> blocks, string documentTitle)
    {
        var headingPath = new string?[HeadingLevels];
        var title = documentTitle;
        var contents = new List<MarkdownContent>();
        foreach (var block in blocks)
        {
            switch (block)
            {
                case MarkdownContent content:
                    contents.Add(content);
                    break;
                case MarkdownHeading heading:
                    if (contents.Count > 0)
                    {
                        yield return new Section(title, contents);
                        contents = [];
                    }

                    headingPath[heading.Level - 1] = heading.Text;
                    Array.Clear(headingPath, heading.Level, HeadingLevels - heading.Level);
                    title = ComposeTitle(documentTitle, headingPath);
                    break;
            }
        }

        if (contents.Count > 0)
        {
            yield return new Section(title, contents);
        }
    }

    private static string ComposeTitle(string documentTitle, string?[] headingPath)
    {
        var root = string.IsNullOrEmpty(headingPath[0]) ? documentTitle : headingPath[0]!;
        var subheadings = headingPath.Skip(1).Where(heading => !string.IsNullOrEmpty(heading));
        return string.Join(TitleSeparator, subheadings.Prepend(root));
    }

    private static IEnumerable<MarkdownContent> SplitToFit(MarkdownContent content)
    {
        if (content.Kind == MarkdownContentKind.Code || content.Text.Length <= MaxChunkLength)
        {
            return [content];
        }

        var sentences = SentenceBoundary().Split(content.Text).SelectMany(SplitLongSentence);
        return PackGreedily(sentences, sentence => sentence, static (_, _) => " ")
            .Select(text => content with { Text = text });
    }

    private static IEnumerable<string> SplitLongSentence(string sentence) =>
        sentence.Length <= MaxChunkLength
            ? [sentence]
            : PackGreedily(sentence.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries), word => word, static (_, _) => " ");

    private static string SeparatorBetween(MarkdownContent previous, MarkdownContent next) =>
        previous.Kind == MarkdownContentKind.ListItem && next.Kind == MarkdownContentKind.ListItem ? "\n" : "\n\n";

    /// <summary>
    /// Joins consecutive parts while the result stays within <see cref="MaxChunkLength"/>; a part
    /// that is longer on its own is passed through whole.
    /// </summary>
    private static IEnumerable<string> PackGreedily<T>(IEnumerable<T> parts, Func<T, string> textOf, Func<T, T, string> separatorBetween)
    {
        var packed = new StringBuilder();
        var previous = default(T);
        foreach (var part in parts)
        {
            var text = textOf(part);
            if (packed.Length > 0)
            {
                var separator = separatorBetween(previous!, part);
                if (packed.Length + separator.Length + text.Length > MaxChunkLength)
                {
                    yield return packed.ToString();
                    packed.Clear();
                }
                else
                {
                    packed.Append(separator);
                }
            }

            packed.Append(text);
            previous = part;
        }

        if (packed.Length > 0)
        {
            yield return packed.ToString();
        }
    }

    // Only a capital, digit or opening quote after the full stop counts, so "e.g. this" stays together.
    [GeneratedRegex(@"(?<=[.!?][""'”’)\]]*)\s+(?=[\p{Lu}\p{N}""'“‘(\[])")]
    private static partial Regex SentenceBoundary();

    private sealed record Section(string Title, IReadOnlyList<MarkdownContent> Contents);
}
