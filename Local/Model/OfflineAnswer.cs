using System.Text;

namespace Conduit.Local.Model;

/// <summary>
/// The offline model's answer: a plain report of what it received, so that a wrong history
/// count, a lost tool result or a badly ranked passage shows up in the chat instead of hiding
/// behind fluent text.
/// </summary>
internal static class OfflineAnswer
{
    public const int PassageExcerptWords = 60;
    public const int QuestionExcerptWords = 40;

    public static string Compose(ReceivedConversation conversation)
    {
        var answer = new StringBuilder("Offline model (not an LLM). ")
            .Append($"I received {conversation.HistoryMessageCount} history message(s) and {conversation.ToolResultCount} tool result(s)");

        if (conversation.Question is not { } question)
        {
            return answer.Append(", but no user message with text, so there is nothing to answer.").ToString();
        }

        answer.Append('.');
        if (conversation.BestPassage is { } passage)
        {
            var title = string.IsNullOrWhiteSpace(passage.Title) ? "" : $" ({passage.Title})";
            var excerpt = Words.Excerpt(passage.Text, PassageExcerptWords);
            answer.Append($" The best passage I was given is from {passage.Source}{title}: \"{excerpt}\"");
        }
        else if (conversation.ToolResultCount > 0)
        {
            answer.Append(" The knowledge base had nothing on that.");
        }

        return answer.Append($" You asked: \"{Words.Excerpt(question, QuestionExcerptWords)}\"").ToString();
    }
}
