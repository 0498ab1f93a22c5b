using Conduit.Core.Ports;

namespace Conduit.Local.Knowledge;

/// <summary>
/// The offline knowledge base: every Markdown file under a folder, chunked and held in a BM25
/// index in memory. It stands in for the managed retrieval service when Conduit runs on one machine.
/// </summary>
public sealed class MarkdownKnowledgeBase : IKnowledgeBase
{
    private readonly Bm25Index _index;

    private MarkdownKnowledgeBase(Bm25Index index) => _index = index;

    public int ChunkCount => _index.Count;

    /// <summary>
    /// Reads and indexes every <c>*.md</c> file under <paramref name="folder"/>, including
    /// subfolders but skipping hidden ones such as <c>.git</c>. An empty folder gives an empty knowledge base.
    /// </summary>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    public static MarkdownKnowledgeBase Load(string folder)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(folder);

        var root = Path.GetFullPath(folder);
        if (!Directory.Exists(root))
        {
            throw new DirectoryNotFoundException($"The knowledge-base folder '{root}' does not exist.");
        }

        // Case-insensitive so "README.MD" is found on Linux as it would be on Windows and macOS.
        var options = new EnumerationOptions { RecurseSubdirectories = true, MatchCasing = MatchCasing.CaseInsensitive };
        var chunks = Directory.EnumerateFiles(root, "*.md", options)
            .Select(path => (Path: path, Source: Path.GetRelativePath(root, path).Replace(Path.DirectorySeparatorChar, '/')))
            .OrderBy(file => file.Source, StringComparer.Ordinal)
            .SelectMany(file => MarkdownChunker.Chunk(file.Source, File.ReadAllText(file.Path)));

        return new MarkdownKnowledgeBase(new Bm25Index(chunks));
    }

    public Task<IReadOnlyList<Passage>> SearchAsync(string query, int maxResults, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        cancellationToken.ThrowIfCancellationRequested();

        IReadOnlyList<Passage> passages = _index.Search(query, maxResults)
            .Select(result => new Passage(result.Chunk.Source, result.Chunk.Title, result.Chunk.Text, result.Score))
            .ToList();
        return Task.FromResult(passages);
    }

    /// <summary>
    /// Whether <paramref name="text"/> has at least one term that occurs in the knowledge base;
    /// the offline model asks this to decide whether a lookup could find anything.
    /// </summary>
    public bool SharesTermsWith(string text) => _index.ContainsAnyTerm(text);
}
