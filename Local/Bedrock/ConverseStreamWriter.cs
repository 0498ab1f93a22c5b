using System.Text.Json.Nodes;
using Conduit.Core.Chat;
using Conduit.Local.Edge;
using Microsoft.Extensions.AI;

namespace Conduit.Local.Bedrock;

/// <summary>
/// Writes a ConverseStream answer as Bedrock does, one event-stream message per model update, each flushed as it is
/// written: messageStart, content blocks by index (contentBlockStart only for toolUse, as Bedrock sends it),
/// messageStop and metadata; a model failure ends the stream with an exception message instead.
/// </summary>
internal sealed class ConverseStreamWriter(Stream body, CancellationToken cancellationToken)
{
    private int _index = -1;
    private bool _textOpen;
    private bool _calledTools;
    private UsageDetails? _usage;
    private ChatFinishReason? _finishReason;

    public Task StartAsync() => SendAsync("messageStart", new JsonObject { ["role"] = "assistant" });

    public async Task WriteAsync(ChatResponseUpdate update)
    {
        if (update.FinishReason is { } reason) _finishReason = reason;
        foreach (var content in update.Contents)
        {
            switch (content)
            {
                case TextContent { Text.Length: > 0 } text:
                    if (!_textOpen)
                    {
                        await CloseBlockAsync().ConfigureAwait(false);
                        _index++;
                        _textOpen = true;
                    }
                    await DeltaAsync(new JsonObject { ["text"] = text.Text }).ConfigureAwait(false);
                    break;
                case FunctionCallContent call:
                    await CloseBlockAsync().ConfigureAwait(false);
                    _index++;
                    _calledTools = true;
                    await SendAsync("contentBlockStart", new JsonObject
                    {
                        ["contentBlockIndex"] = _index,
                        ["start"] = new JsonObject { ["toolUse"] = ConverseAnswer.ToolUse(call, input: null) },
                    }).ConfigureAwait(false);
                    await DeltaAsync(new JsonObject
                    {
                        ["toolUse"] = new JsonObject { ["input"] = ConverseAnswer.Input(call).ToJsonString() },
                    }).ConfigureAwait(false);
                    await SendAsync("contentBlockStop", new JsonObject { ["contentBlockIndex"] = _index }).ConfigureAwait(false);
                    break;
                case UsageContent usage:
                    _usage = usage.Details;
                    break;
            }
        }
    }

    public async Task FinishAsync(long latencyMs)
    {
        await CloseBlockAsync().ConfigureAwait(false);
        await SendAsync("messageStop", new JsonObject { ["stopReason"] = ConverseAnswer.StopReason(_finishReason, _calledTools) })
            .ConfigureAwait(false);
        await SendAsync("metadata", new JsonObject
        {
            ["usage"] = ConverseAnswer.Usage(_usage),
            ["metrics"] = ConverseAnswer.Metrics(latencyMs),
        }).ConfigureAwait(false);
    }

    /// <summary>The stream's modelled errors: throttling as Bedrock's own, anything else as the model's stream error.</summary>
    public Task FailAsync(Exception exception)
    {
        if (exception is ModelThrottledException)
        {
            var throttled = new JsonObject { ["message"] = exception.Message };
            return SendAsync(EventStreamEncoder.Exception("throttlingException", throttled.ToJsonString()));
        }
        var payload = new JsonObject
        {
            ["message"] = $"The model failed while streaming its answer: {exception.Message}",
            ["originalStatusCode"] = 500,
            ["originalMessage"] = exception.Message,
        };
        return SendAsync(EventStreamEncoder.Exception("modelStreamErrorException", payload.ToJsonString()));
    }

    private async Task CloseBlockAsync()
    {
        if (!_textOpen) return;
        _textOpen = false;
        await SendAsync("contentBlockStop", new JsonObject { ["contentBlockIndex"] = _index }).ConfigureAwait(false);
    }

    private Task DeltaAsync(JsonObject delta) =>
        SendAsync("contentBlockDelta", new JsonObject { ["contentBlockIndex"] = _index, ["delta"] = delta });

    private Task SendAsync(string eventType, JsonObject payload) => SendAsync(EventStreamEncoder.Event(eventType, payload.ToJsonString()));

    private async Task SendAsync(byte[] message)
    {
        await body.WriteAsync(message, cancellationToken).ConfigureAwait(false);
        await body.FlushAsync(cancellationToken).ConfigureAwait(false);
    }
}
