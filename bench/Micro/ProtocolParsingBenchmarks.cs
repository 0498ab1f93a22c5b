using BenchmarkDotNet.Attributes;
using Conduit.Core.Protocol;

namespace Conduit.Bench.Micro;

// Not sealed: BenchmarkDotNet runs a benchmark through a class it derives from it.
[MemoryDiagnoser]
public class ProtocolParsingBenchmarks
{
    private const string SendMessageBody =
        """{"action":"sendMessage","requestId":"req-7f3a9c41","sessionId":"sess-42b1e0d7","text":"How does resume replay the frames I """
        + """missed while my laptop was asleep?"}""";

    private const string ResumeBody = """{"action":"resume","sessionId":"sess-42b1e0d7","afterSeq":118}""";

    private const string TruncatedBody = """{"action":"sendMessage","requestId":"req-7f3a9c41","text":"How does resume""";

    private readonly ProtocolLimits _limits = new();

    /// <summary>The local gateway picks the route itself for every frame, as API Gateway does on AWS.</summary>
    [Benchmark]
    public string RouteSendMessage() => ProtocolParser.SelectRoute(SendMessageBody, isBase64Encoded: false);

    [Benchmark]
    public Parsed<SendMessageCommand> SendMessage() => ProtocolParser.ParseSendMessage(SendMessageBody, isBase64Encoded: false, _limits);

    [Benchmark]
    public Parsed<ResumeCommand> Resume() => ProtocolParser.ParseResume(ResumeBody, isBase64Encoded: false);

    /// <summary>A body that is not JSON goes to <c>$default</c>, where Ingress explains the rejection.</summary>
    [Benchmark]
    public ErrorFrame Malformed() => ProtocolParser.DescribeUnrouted(TruncatedBody, isBase64Encoded: false);
}
