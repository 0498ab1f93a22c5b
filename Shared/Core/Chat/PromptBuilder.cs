using System.Text.Json;
using Conduit.Core.Contracts;
using Conduit.Core.Ports;
using Conduit.Core.Serialization;
using Microsoft.Extensions.AI;

namespace Conduit.Core.Chat;

/// <summary>Turns the prompt window and the tool rounds so far into the messages a model is sent.</summary>
public static class PromptBuilder
{
    /// <summary>A cancelled answer can be empty; it is left out, as model APIs refuse empty messages.</summary>
    public static IReadOnlyList<ChatMessage> Build(
        string systemPrompt, IReadOnlyList<HistoryMessage> window, IReadOnlyList<ToolRound> rounds)
    {
        var messages = new List<ChatMessage>(window.Count + 1 + rounds.Count * 2) { new(ChatRole.System, systemPrompt) };
        foreach (var message in window.Where(m => m.Text.Length > 0))
        {
            messages.Add(new ChatMessage(message.Role == MessageRoles.Assistant ? ChatRole.Assistant : ChatRole.User, message.Text));
        }
        foreach (var round in rounds)
        {
            messages.Add(new ChatMessage(ChatRole.Assistant, round.Calls
                .Select(call => (AIContent)new FunctionCallContent(
                    call.CallId, call.Name, new Dictionary<string, object?> { [KnowledgeLookupTool.QueryArgument] = call.Query }))
                .ToList()));
            messages.Add(new ChatMessage(ChatRole.Tool, round.Results
                .Select(result => (AIContent)new FunctionResultContent(result.CallId, RenderResult(result)))
                .ToList()));
        }
        return messages;
    }

    /// <summary>Tool results travel to the model as JSON text: every model API accepts text, and it reads well in traces.</summary>
    public static string RenderResult(ToolResult result) =>
        JsonSerializer.Serialize(new KnowledgeLookupResult(result.Passages, result.Error), CoreJsonContext.Wire.KnowledgeLookupResult);
}
