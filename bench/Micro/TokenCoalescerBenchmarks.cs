using BenchmarkDotNet.Attributes;
using Conduit.Core.Chat;

namespace Conduit.Bench.Micro;

// Not sealed: BenchmarkDotNet runs a benchmark through a class it derives from it.
[MemoryDiagnoser]
public class TokenCoalescerBenchmarks
{
    private const int TokenCount = 1_000;

    /// <summary>The pace of the coalescing scenario's model, so frames close on the interval as they do live.</summary>
    private static readonly TimeSpan TokenInterval = TimeSpan.FromMilliseconds(2);

    private readonly ConduitSettings _settings = new();
    private readonly string[] _tokens = [.. Enumerable.Range(0, TokenCount).Select(i => $"w{i} ")];
    private readonly long[] _arrivals = [.. Enumerable.Range(0, TokenCount).Select(
        i => (long)(i * TokenInterval.TotalSeconds * TimeProvider.System.TimestampFrequency))];

    /// <summary>
    /// AnswerStreamer's loop for tokens arriving one at a time: append, flush when full, flush when due, flush the rest.
    /// Arrival timestamps are precomputed so the clock is not what is measured. Returns the frames it would post.
    /// </summary>
    [Benchmark]
    public int Coalesce1000Tokens()
    {
        var coalescer = new TokenCoalescer(_settings.CoalesceInterval, _settings.CoalesceMaxBytes, TimeProvider.System);
        var frames = 0;
        for (var i = 0; i < _tokens.Length; i++)
        {
            coalescer.Append(_tokens[i], _arrivals[i]);
            if (coalescer.IsFull) frames += Flush(coalescer);
            if (coalescer.DueIn(_arrivals[i]) == TimeSpan.Zero) frames += Flush(coalescer);
        }
        if (coalescer.HasPending) frames += Flush(coalescer);
        return frames;
    }

    private static int Flush(TokenCoalescer coalescer) => coalescer.Take().Length > 0 ? 1 : 0;
}
