using Conduit.Core.Ports;

namespace Conduit.Core.Chat;

/// <summary>Chooses which history messages go into a prompt.</summary>
public static class SlidingWindow
{
    /// <summary>
    /// Keeps the newest messages of <paramref name="latest"/> (oldest first, the current user message last) whose
    /// text fits <paramref name="maxCharacters"/>. The current message is always kept, even alone over budget,
    /// and the window never opens on an assistant message, because model APIs require a conversation to start
    /// with the user.
    /// </summary>
    public static IReadOnlyList<HistoryMessage> Select(IReadOnlyList<HistoryMessage> latest, int maxMessages, int maxCharacters)
    {
        if (latest.Count == 0) return [];
        var start = latest.Count - 1;
        var used = latest[start].Text.Length;
        var floor = Math.Max(0, latest.Count - maxMessages);
        while (start > floor && used + latest[start - 1].Text.Length <= maxCharacters)
        {
            start--;
            used += latest[start].Text.Length;
        }
        while (start < latest.Count - 1 && latest[start].Role != MessageRoles.User) start++;
        return start == 0 ? latest : latest.Skip(start).ToArray();
    }
}
