using Conduit.Core.Ports;

namespace Conduit.Core.Chat;

/// <summary>
/// What one writer of a turn knows of its session between frames: the subscribers with the cursors it last saw, and
/// the session's signal when it listed them and when it last read the cancel flag. Each append returns the signal,
/// so the writer lists or reads again only after the signal moved (or a delivery went off the steady path).
/// </summary>
internal sealed class SessionWatch
{
    private readonly Lock _gate = new();
    private Dictionary<string, long>? _cursors;
    private long _listedAt;
    private long _lastSignal;
    private long? _cancelCheckedAt;
    private bool _appendedSinceCheck;

    public KeyValuePair<string, long>[] Cursors()
    {
        lock (_gate) return _cursors is null ? [] : [.. _cursors];
    }

    /// <summary>Whether the subscriber list is still good for a frame appended at <paramref name="signal"/>.</summary>
    public bool IsCurrent(long signal)
    {
        lock (_gate) return _cursors is not null && _listedAt == signal;
    }

    public void Appended(long signal)
    {
        lock (_gate)
        {
            _lastSignal = Math.Max(_lastSignal, signal);
            _appendedSinceCheck = true;
        }
    }

    public void Listed(IReadOnlyList<Subscription> subscribers, long signal)
    {
        lock (_gate)
        {
            _cursors = subscribers.ToDictionary(s => s.ConnectionId, s => s.DeliveredSeq);
            _listedAt = signal;
        }
    }

    /// <summary>Records where each delivery left its cursor; an unknown one (null) makes the next frame list again.</summary>
    public void Delivered(IEnumerable<(string ConnectionId, long? Cursor)> outcomes)
    {
        lock (_gate)
        {
            foreach (var (connectionId, cursor) in outcomes)
            {
                if (_cursors is null) return;
                if (cursor is { } known) _cursors[connectionId] = Math.Max(known, _cursors.GetValueOrDefault(connectionId));
                else _cursors = null;
            }
        }
    }

    /// <summary>
    /// Whether the cancel flag must be read: always the first time and after a quiet interval with no append; otherwise
    /// only when an append saw the signal move since the last read.
    /// </summary>
    public bool MustReadCancel(out long baseline)
    {
        lock (_gate)
        {
            baseline = _lastSignal;
            return !_appendedSinceCheck || _cancelCheckedAt != _lastSignal;
        }
    }

    /// <summary>The flag was read and was not set; <paramref name="baseline"/>, the signal seen before that read, is the new one.</summary>
    public void CancelChecked(long baseline)
    {
        lock (_gate)
        {
            _cancelCheckedAt = baseline;
            _appendedSinceCheck = false;
        }
    }
}
