using Amazon.Runtime.EventStreams;
using Conduit.Tests.Support;

namespace Conduit.Tests.Aws.BedrockRuntime;

/// <summary>ConverseStream bodies built with AWSSDK.Core's own encoder, so the framing and CRCs are the real ones.</summary>
public static class ConverseStreamFrames
{
    public const string ContentType = "application/vnd.amazon.eventstream";

    public static byte[] Event(string eventType, string json) =>
        Frame(
            System.Text.Encoding.UTF8.GetBytes(json), (":message-type", "event"), (":event-type", eventType),
            (":content-type", "application/json"));

    public static byte[] Exception(string exceptionType, string message) =>
        Frame(
            System.Text.Encoding.UTF8.GetBytes($$"""{"message":"{{message}}"}"""),
            (":message-type", "exception"), (":exception-type", exceptionType), (":content-type", "application/json"));

    public static byte[] Error(string errorCode, string errorMessage) =>
        Frame([], (":message-type", "error"), (":error-code", errorCode), (":error-message", errorMessage));

    public static byte[] Text(int index, string text) =>
        Event("contentBlockDelta", $$"""{"contentBlockIndex":{{index}},"delta":{"text":"{{text}}"},"p":"abcdefghij"}""");

    public static byte[] MessageStop(string stopReason) => Event("messageStop", $$"""{"stopReason":"{{stopReason}}","p":"abcd"}""");

    public static byte[] Usage(int input, int output) =>
        Event("metadata", $$"""{"usage":{"inputTokens":{{input}},"outputTokens":{{output}},"totalTokens":{{input + output}}}"""
            + $$""","metrics":{"latencyMs":412},"p":"ab"}""");

    /// <summary>The whole body in one chunk.</summary>
    public static ScriptedResponse Whole(params byte[][] frames) =>
        new(200, [[.. frames.SelectMany(f => f)]], Headers());

    /// <summary>The body one byte per chunk, flushed between, so every frame is split across reads.</summary>
    public static ScriptedResponse OneBytePerChunk(params byte[][] frames) =>
        new(200, [.. frames.SelectMany(f => f).Select(b => new[] { b })], Headers());

    public static ScriptedResponse Served(string chunking, params byte[][] frames) => chunking switch
    {
        "whole" => Whole(frames),
        "one byte per chunk" => OneBytePerChunk(frames),
        _ => throw new ArgumentOutOfRangeException(nameof(chunking), chunking, "No such chunking."),
    };

    private static Dictionary<string, string> Headers() => new(StringComparer.OrdinalIgnoreCase)
    {
        ["Content-Type"] = ContentType,
        ["x-amzn-RequestId"] = "9f5c7e0e-6c2a-4a8e-9d7b-1b2f3c4d5e6f",
    };

    private static byte[] Frame(byte[] payload, params (string Name, string Value)[] headers)
    {
        var encoded = new List<IEventStreamHeader>();
        foreach (var (name, value) in headers)
        {
            var header = new EventStreamHeader(name);
            header.SetString(value);
            encoded.Add(header);
        }
        return new EventStreamMessage(encoded, payload).ToByteArray();
    }
}
