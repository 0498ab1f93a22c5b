using System.Text;

namespace Conduit.Core.Chat;

/// <summary>
/// Gathers model tokens into fewer, larger frames: each @connections post costs a round trip and money, so text
/// is held until <paramref name="interval"/> has passed since the first held token or <paramref name="maxCharacters"/>
/// are held. Time is passed in (TimeProvider timestamps) so the policy is a pure function of its inputs.
/// </summary>
public sealed class TokenCoalescer(TimeSpan interval, int maxCharacters, TimeProvider time)
{
    private readonly StringBuilder _held = new();
    private long _firstHeldAt;

    public bool HasPending => _held.Length > 0;

    public bool IsFull => _held.Length >= maxCharacters;

    public void Append(string text, long timestamp)
    {
        if (text.Length == 0) return;
        if (_held.Length == 0) _firstHeldAt = timestamp;
        _held.Append(text);
    }

    /// <summary>How long until the held text is due; zero when due now, null when nothing is held.</summary>
    public TimeSpan? DueIn(long now)
    {
        if (_held.Length == 0) return null;
        if (IsFull) return TimeSpan.Zero;
        var remaining = interval - time.GetElapsedTime(_firstHeldAt, now);
        return remaining > TimeSpan.Zero ? remaining : TimeSpan.Zero;
    }

    public string Take()
    {
        var text = _held.ToString();
        _held.Clear();
        return text;
    }
}
