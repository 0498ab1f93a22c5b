using System.Text;
using Conduit.Core.Protocol;

namespace Conduit.Tests.Core.Protocol;

/// <summary>For any input at all, every parser returns exactly one of a value and an error, and never throws.</summary>
public sealed class ProtocolParserPropertyTests
{
    private static readonly string[] Keys =
        ["action", "requestId", "sessionId", "text", "afterSeq", "afterIndex", "limit", "extra", "", "\u0000"];

    [Fact]
    public void Parsers_ArbitraryJsonAndText_AlwaysAnswerExactlyOnce()
    {
        var random = new Random(20261121);
        for (var i = 0; i < 5_000; i++)
        {
            var body = i % 3 == 0 ? RandomText(random) : RandomJson(random, depth: 0);
            var binary = i % 50 == 0;

            AssertOneOf(ProtocolParser.ParseSendMessage(body, binary, new ProtocolLimits()), body);
            AssertOneOf(ProtocolParser.ParseResume(body, binary), body);
            AssertOneOf(ProtocolParser.ParseCancel(body, binary), body);
            AssertOneOf(ProtocolParser.ParseHistory(body, binary), body);
            Assert.NotNull(ProtocolParser.DescribeUnrouted(body, binary).Code);
            Assert.Contains(ProtocolParser.SelectRoute(body, binary), (string[])[.. RouteKeys.MessageRoutes, RouteKeys.Default]);
        }
    }

    private static void AssertOneOf<T>(Parsed<T> parsed, string body) where T : class =>
        Assert.True((parsed.Value is null) != (parsed.Error is null), $"both or neither for {body}");

    private static string RandomText(Random random)
    {
        var builder = new StringBuilder();
        for (var i = random.Next(0, 60); i > 0; i--) builder.Append((char)random.Next(0, 0xFFFF));
        return builder.ToString();
    }

    private static string RandomJson(Random random, int depth) => random.Next(depth > 4 ? 5 : 8) switch
    {
        0 => "null",
        1 => random.Next(2) == 0 ? "true" : "false",
        2 => random.Next(3) switch { 0 => "1e400", 1 => "-0.5", _ => random.Next().ToString(
            System.Globalization.CultureInfo.InvariantCulture) },
        3 => $"\"{Escape(RandomText(random))}\"",
        4 => "\"sendMessage\"",
        5 => $"[{string.Join(",", Enumerable.Range(0, random.Next(0, 4)).Select(_ => RandomJson(random, depth + 1)))}]",
        _ => "{"
            + string.Join(
                ",",
                Enumerable.Range(0, random.Next(0, 6)).Select(
                    _ => $"\"{Escape(Keys[random.Next(Keys.Length)])}\":{RandomJson(random, depth + 1)}"))
            + "}",
    };

    private static string Escape(string text)
    {
        var builder = new StringBuilder();
        foreach (var c in text) builder.Append(c is '"' or '\\' || c < ' ' || char.IsSurrogate(c) ? $"\\u{(int)c:x4}" : c);
        return builder.ToString();
    }
}
