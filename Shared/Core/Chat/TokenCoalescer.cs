using System.Text;
using Conduit.Core.Protocol;

namespace Conduit.Core.Chat;

/// <summary>
/// Gathers model tokens into fewer, larger frames: each @connections post costs a round trip and money, so text
/// is held until <paramref name="interval"/> has passed since the first held token or <paramref name="flushBytes"/>
/// are held. Sizes are serialised bytes (<see cref="WireSize"/>), and one frame never takes more than
/// <see cref="ProtocolLimits.MaxTokenTextBytes"/>: a larger chunk leaves in several frames, cut between Unicode
/// scalars. Time is passed in (TimeProvider timestamps) so the policy is a pure function of its inputs.
/// </summary>
public sealed class TokenCoalescer(TimeSpan interval, int flushBytes, TimeProvider time)
{
    private readonly StringBuilder _held = new();
    private long _heldBytes;
    private long _firstHeldAt;

    public bool HasPending => _held.Length > 0;

    public bool IsFull => HasPending && _heldBytes >= Math.Min(flushBytes, ProtocolLimits.MaxTokenTextBytes);

    public void Append(string text, long timestamp)
    {
        if (text.Length == 0) return;
        if (_held.Length == 0) _firstHeldAt = timestamp;
        _held.Append(text);
        _heldBytes += WireSize.OfText(text);
    }

    /// <summary>How long until the held text is due; zero when due now, null when nothing is held.</summary>
    public TimeSpan? DueIn(long now)
    {
        if (_held.Length == 0) return null;
        if (IsFull) return TimeSpan.Zero;
        var remaining = interval - time.GetElapsedTime(_firstHeldAt, now);
        return remaining > TimeSpan.Zero ? remaining : TimeSpan.Zero;
    }

    /// <summary>The text of the next frame: all that is held, or as much as one frame takes (the rest stays, due at once).</summary>
    public string Take()
    {
        if (_heldBytes <= ProtocolLimits.MaxTokenTextBytes)
        {
            var all = _held.ToString();
            _held.Clear();
            _heldBytes = 0;
            return all;
        }
        var held = _held.ToString();
        var length = WireSize.PrefixFitting(held, ProtocolLimits.MaxTokenTextBytes, out var bytes);
        _held.Remove(0, length);
        _heldBytes -= bytes;
        return held[..length];
    }
}
