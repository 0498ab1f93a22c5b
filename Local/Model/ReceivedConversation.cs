using Conduit.Core.Ports;
using Microsoft.Extensions.AI;

namespace Conduit.Local.Model;

/// <summary>What the offline model makes of the messages a planner sends it.</summary>
/// <param name="Question">The text of the last user message, or null when there is none or it is blank.</param>
/// <param name="HistoryMessageCount">User and assistant messages before the last user message.</param>
/// <param name="ToolResultCount">Function results anywhere in the input.</param>
/// <param name="HasToolResultSinceQuestion">Whether a function result follows the last user message.</param>
/// <param name="BestPassage">The highest-scoring passage over all tool results, the first one on a tie.</param>
/// <param name="InputWordCount">Words in all text and tool results, reported as input tokens.</param>
internal sealed record ReceivedConversation(
    string? Question,
    int HistoryMessageCount,
    int ToolResultCount,
    bool HasToolResultSinceQuestion,
    Passage? BestPassage,
    int InputWordCount)
{
    public static ReceivedConversation Read(IEnumerable<ChatMessage> messages)
    {
        var conversation = messages.ToList();
        // Converse carries tool results in a user message; the question is the last user message that has text.
        var questionIndex = conversation.FindLastIndex(
            message => message.Role == ChatRole.User && message.Contents.Any(content => content is TextContent));
        var beforeQuestion = questionIndex < 0 ? conversation : conversation.Take(questionIndex);
        var question = questionIndex < 0 ? "" : conversation[questionIndex].Text.Trim();
        var toolResults = conversation
            .SelectMany((message, index) =>
                message.Contents.OfType<FunctionResultContent>().Select(result => (Index: index, Result: result)))
            .ToList();

        return new ReceivedConversation(
            Question: question.Length > 0 ? question : null,
            HistoryMessageCount: beforeQuestion.Count(message => message.Role == ChatRole.User || message.Role == ChatRole.Assistant),
            ToolResultCount: toolResults.Count,
            HasToolResultSinceQuestion: toolResults.Any(toolResult => toolResult.Index > questionIndex),
            BestPassage: toolResults
                .SelectMany(toolResult => KnowledgeToolResult.ReadPassages(toolResult.Result.Result))
                .MaxBy(passage => passage.Score),
            InputWordCount: conversation.SelectMany(message => message.Contents).Sum(CountInputWords));
    }

    private static int CountInputWords(AIContent content) => content switch
    {
        TextContent text => Words.Count(text.Text),
        FunctionResultContent result => Words.Count(KnowledgeToolResult.ReadText(result.Result)),
        _ => 0,
    };
}
