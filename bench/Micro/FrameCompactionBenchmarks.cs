using System.Text.Json;
using BenchmarkDotNet.Attributes;
using Conduit.Core.Chat;
using Conduit.Core.Ports;
using Conduit.Core.Protocol;
using Conduit.Core.Serialization;

namespace Conduit.Bench.Micro;

/// <summary>
/// The replay path: FrameDelivery compacts every backlog of more than one frame before posting it, reading at most
/// 500 frames a batch; 5,000 is a long answer missed whole.
/// </summary>
// Not sealed: BenchmarkDotNet runs a benchmark through a class it derives from it.
[MemoryDiagnoser]
public class FrameCompactionBenchmarks
{
    private const string RequestId = "req-7f3a9c41";
    private const string SessionId = "sess-42b1e0d7";

    /// <summary>Tokens per persisted frame: what the coalescer gathers in one 50 ms interval at 2 ms a token.</summary>
    private const int TokensPerFrame = 25;

    private StoredFrame[] _backlog = [];

    [Params(500, 5_000)]
    public int TokenFrames { get; set; }

    [GlobalSetup]
    public void PersistBacklog() => _backlog = [.. Enumerable.Range(1, TokenFrames).Select(seq => new StoredFrame(SessionId, seq, RequestId,
        JsonSerializer.Serialize<ServerFrame>(
            new TokenFrame(RequestId, SessionId, seq, FrameText(seq)), CoreJsonContext.Wire.ServerFrame)))];

    /// <summary>Returns the number of posts the backlog becomes.</summary>
    [Benchmark]
    public int Compact()
    {
        var posts = 0;
        foreach (var frame in FrameCompaction.Compact(_backlog)) posts += frame.Json.Length > 0 ? 1 : 0;
        return posts;
    }

    private static string FrameText(int seq) =>
        string.Concat(Enumerable.Range((seq - 1) * TokensPerFrame, TokensPerFrame).Select(i => $"w{i} "));
}
