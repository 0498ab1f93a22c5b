using Conduit.Tests.EndToEnd.Support;

namespace Conduit.Tests.EndToEnd;

/// <summary>Coalescing off (the benchmark's per-token baseline): one frame per token, and the turn still ends.</summary>
public sealed class PerTokenModeTests
{
    [Fact]
    public async Task CoalescingOff_EveryTokenIsItsOwnFrame_AndTheTurnCompletes()
    {
        await using var host = await LocalStackHost.StartAsync(options => options with
        {
            Settings = options.Settings with { CoalesceInterval = TimeSpan.Zero, CoalesceMaxBytes = 1 },
        });
        await using var chat = await host.ConnectAsync();

        await chat.SendMessageAsync("per-token", "Hello");
        await chat.AckAsync("per-token");
        var frames = await chat.ReadTurnAsync("per-token");

        var tokens = frames.Where(f => f.GetProperty("type").GetString() == "token").ToList();
        var done = frames[^1];
        Assert.Equal("done", done.GetProperty("type").GetString());
        var words = string.Concat(tokens.Select(t => t.GetProperty("text").GetString())).Split(' ', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(words.Length, tokens.Count);
        Assert.True(tokens.Count > 10);
    }
}
