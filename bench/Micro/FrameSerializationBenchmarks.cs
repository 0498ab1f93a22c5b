using System.Text;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using Conduit.Core.Protocol;
using Conduit.Core.Serialization;

namespace Conduit.Bench.Micro;

// Not sealed: BenchmarkDotNet runs a benchmark through a class it derives from it.
[MemoryDiagnoser]
public class FrameSerializationBenchmarks
{
    private const string RequestId = "req-7f3a9c41";
    private const string SessionId = "sess-42b1e0d7";

    private readonly ServerFrame _token = new TokenFrame(
        RequestId, SessionId, 42, "Resume replays every frame after the seq the client names, ");

    private readonly ServerFrame _status = new StatusFrame(RequestId, SessionId, 3, Phases.Retrieving, "Searching the knowledge base…");

    private readonly ServerFrame _sources = new SourcesFrame(RequestId, SessionId, 5,
    [
        new SourceReference("protocol.md", "Protocol › Resuming a session", 7.412),
        new SourceReference("storage.md", "Storage › Frames table", 5.087),
        new SourceReference("architecture.md", "Architecture › Delivery", 3.951),
    ]);

    [Benchmark]
    public byte[] Token() => ToWire(_token);

    [Benchmark]
    public byte[] Status() => ToWire(_status);

    [Benchmark]
    public byte[] Sources() => ToWire(_sources);

    // FramePublisher persists the frame as this string and FrameDelivery posts its UTF-8 bytes, so a live frame pays both.
    private static byte[] ToWire(ServerFrame frame) =>
        Encoding.UTF8.GetBytes(JsonSerializer.Serialize(frame, CoreJsonContext.Wire.ServerFrame));
}
