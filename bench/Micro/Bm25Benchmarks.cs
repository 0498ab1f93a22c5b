using BenchmarkDotNet.Attributes;
using Conduit.Core.Chat;
using Conduit.Core.Ports;
using Conduit.Local.Knowledge;

namespace Conduit.Bench.Micro;

/// <summary>The local knowledge base over the repository's docs/*.md, the corpus the local stack serves by default.</summary>
// Not sealed: BenchmarkDotNet runs a benchmark through a class it derives from it.
[MemoryDiagnoser]
public class Bm25Benchmarks
{
    private const string Query = "how does resume replay the frames a client missed after reconnecting";

    private readonly int _maxResults = new ConduitSettings().RetrievalResults;
    private readonly MarkdownKnowledgeBase _knowledgeBase = MarkdownKnowledgeBase.Load(BenchPaths.KnowledgeBaseFolder);
    private readonly KnowledgeChunk[] _chunks = [.. Directory.EnumerateFiles(BenchPaths.KnowledgeBaseFolder, "*.md")
        .Order(StringComparer.Ordinal)
        .SelectMany(path => MarkdownChunker.Chunk(Path.GetFileName(path), File.ReadAllText(path)))];

    /// <summary>What the Retrieve step's kb_lookup asks of the knowledge base.</summary>
    [Benchmark]
    public Task<IReadOnlyList<Passage>> Search() => _knowledgeBase.SearchAsync(Query, _maxResults, CancellationToken.None);

    [Benchmark]
    public Bm25Index BuildIndex() => new(_chunks);

    /// <summary>The local stack's start-up cost for its knowledge base: read, chunk and index every file.</summary>
    [Benchmark]
    public MarkdownKnowledgeBase Load() => MarkdownKnowledgeBase.Load(BenchPaths.KnowledgeBaseFolder);
}
