namespace Conduit.Local.Knowledge;

/// <summary>
/// Classic Okapi BM25 over each chunk's title and text. Results are ordered by score, then
/// source, then position, so equal scores always come back in the same order.
/// </summary>
public sealed class Bm25Index
{
    public const double K1 = 1.2;
    public const double B = 0.75;

    private readonly IReadOnlyList<KnowledgeChunk> _chunks;
    private readonly int[] _chunkLengths;
    private readonly double _averageChunkLength;
    private readonly Dictionary<string, List<Posting>> _postings = new(StringComparer.Ordinal);

    public Bm25Index(IEnumerable<KnowledgeChunk> chunks)
    {
        ArgumentNullException.ThrowIfNull(chunks);

        _chunks = [.. chunks];
        _chunkLengths = new int[_chunks.Count];
        for (var chunkIndex = 0; chunkIndex < _chunks.Count; chunkIndex++)
        {
            var chunk = _chunks[chunkIndex];
            var terms = SearchTokenizer.Tokenize(chunk.Title).Concat(SearchTokenizer.Tokenize(chunk.Text)).ToList();
            _chunkLengths[chunkIndex] = terms.Count;
            foreach (var (term, frequency) in terms.CountBy(term => term))
            {
                if (!_postings.TryGetValue(term, out var postings))
                {
                    postings = [];
                    _postings.Add(term, postings);
                }

                postings.Add(new Posting(chunkIndex, frequency));
            }
        }

        _averageChunkLength = _chunks.Count == 0 ? 0 : _chunkLengths.Average();
    }

    public int Count => _chunks.Count;

    public IReadOnlyList<ScoredChunk> Search(string query, int maxResults)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentOutOfRangeException.ThrowIfNegative(maxResults);

        var scores = new Dictionary<int, double>();
        // Repeating a word in a question should not make that word count twice.
        foreach (var term in SearchTokenizer.Tokenize(query).Distinct(StringComparer.Ordinal))
        {
            if (!_postings.TryGetValue(term, out var postings))
            {
                continue;
            }

            var idf = InverseDocumentFrequency(postings.Count);
            foreach (var posting in postings)
            {
                scores[posting.ChunkIndex] = scores.GetValueOrDefault(posting.ChunkIndex) + idf * TermWeight(posting);
            }
        }

        return scores
            .Where(entry => entry.Value > 0)
            .Select(entry => new ScoredChunk(_chunks[entry.Key], entry.Value))
            .OrderByDescending(result => result.Score)
            .ThenBy(result => result.Chunk.Source, StringComparer.Ordinal)
            .ThenBy(result => result.Chunk.Position)
            .Take(maxResults)
            .ToList();
    }

    /// <summary>Whether any term of <paramref name="text"/> occurs in at least one chunk.</summary>
    public bool ContainsAnyTerm(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return SearchTokenizer.Tokenize(text).Any(_postings.ContainsKey);
    }

    private double InverseDocumentFrequency(int chunksWithTerm) =>
        Math.Log(1 + (_chunks.Count - chunksWithTerm + 0.5) / (chunksWithTerm + 0.5));

    private double TermWeight(Posting posting)
    {
        var relativeLength = _chunkLengths[posting.ChunkIndex] / _averageChunkLength;
        return posting.Frequency * (K1 + 1) / (posting.Frequency + K1 * (1 - B + B * relativeLength));
    }

    private readonly record struct Posting(int ChunkIndex, int Frequency);
}
