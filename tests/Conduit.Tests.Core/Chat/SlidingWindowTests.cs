using Conduit.Core.Chat;
using Conduit.Core.Ports;

namespace Conduit.Tests.Core.Chat;

public sealed class SlidingWindowTests
{
    private static IReadOnlyList<HistoryMessage> Conversation(int count, int textLength = 10) =>
        Enumerable.Range(1, count)
            .Select(
                i => new HistoryMessage(
                    "s", i, $"r{(i + 1) / 2}", i % 2 == 1 ? MessageRoles.User : MessageRoles.Assistant, new string('x', textLength),
                    DateTimeOffset.UnixEpoch))
            .ToList();

    [Fact]
    public void Select_FitsBudget_KeepsAll()
    {
        var latest = Conversation(5);

        Assert.Equal(latest, SlidingWindow.Select(latest, 20, 1_000));
    }

    [Fact]
    public void Select_MoreThanMaxMessages_KeepsTheNewest()
    {
        var window = SlidingWindow.Select(Conversation(25), 20, 100_000);

        Assert.Equal(19, window.Count);
        Assert.Equal(7, window[0].Index);
        Assert.Equal(25, window[^1].Index);
    }

    [Fact]
    public void Select_CharacterBudget_DropsOldestFirst()
    {
        var window = SlidingWindow.Select(Conversation(9, textLength: 10), 20, 45);

        Assert.Equal([7L, 8L, 9L], window.Select(m => m.Index));
    }

    [Fact]
    public void Select_WouldOpenOnAssistant_StartsAtNextUserMessage()
    {
        var window = SlidingWindow.Select(Conversation(9, textLength: 10), 20, 40);

        Assert.Equal(MessageRoles.User, window[0].Role);
        Assert.Equal([7L, 8L, 9L], window.Select(m => m.Index));
    }

    [Fact]
    public void Select_CurrentMessageAloneOverBudget_IsStillSent()
    {
        var window = SlidingWindow.Select(Conversation(3, textLength: 500), 20, 100);

        Assert.Single(window);
        Assert.Equal(3, window[0].Index);
    }

    [Fact]
    public void Select_Empty_IsEmpty() => Assert.Empty(SlidingWindow.Select([], 20, 100));
}
