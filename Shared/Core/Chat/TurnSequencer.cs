using Conduit.Core.Contracts;
using Conduit.Core.Ports;

namespace Conduit.Core.Chat;

/// <summary>
/// Runs a session's turns one at a time, oldest first, so turns never interleave in history or in the frame
/// stream. A turn holds the session from dispatch until it finishes; finishing sets the next waiting turn going.
/// The holder is the attempt's execution name, not the requestId: a retry may be dispatched while the failed
/// attempt is still finishing, and that attempt's release must not free the session under the new one.
/// </summary>
public sealed class TurnSequencer(ISessionStore sessions, ITurnStore turns, ITurnQueue queue, TimeProvider time)
{
    /// <summary>Longer than the workflow's own 15-minute limit: a hold outliving its execution must lapse on its own.</summary>
    public static readonly TimeSpan HoldTime = TimeSpan.FromMinutes(20);

    /// <summary>
    /// Whether <paramref name="turn"/> may run now. Only the oldest waiting turn takes a free session; when an older
    /// one is waiting, that one is queued again instead, so the session keeps moving whichever message arrives.
    /// </summary>
    public async Task<bool> TryStartAsync(TurnRecord turn, CancellationToken cancellationToken)
    {
        if (turn.Status is TurnStatus.Queued or TurnStatus.Waiting)
        {
            var oldest = (await turns.ListWaitingAsync(turn.SessionId, 1, cancellationToken).ConfigureAwait(false)).FirstOrDefault();
            if (oldest is not null && oldest.Key != turn.Key)
            {
                await EnqueueAsync(oldest, cancellationToken).ConfigureAwait(false);
                return false;
            }
        }
        var now = time.GetUtcNow();
        var holder = ExecutionNames.For(turn.Key, turn.Attempt);
        return await sessions.TryClaimTurnAsync(turn.SessionId, holder, now, now + HoldTime, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Frees the session and queues its next waiting turn, if any.</summary>
    public async Task FinishAsync(TurnReference turn, CancellationToken cancellationToken)
    {
        var holder = ExecutionNames.For(turn.Key, turn.Attempt);
        await sessions.ReleaseTurnAsync(turn.SessionId, holder, cancellationToken).ConfigureAwait(false);
        var next = (await turns.ListWaitingAsync(turn.SessionId, 1, cancellationToken).ConfigureAwait(false)).FirstOrDefault();
        if (next is not null) await EnqueueAsync(next, cancellationToken).ConfigureAwait(false);
    }

    private Task EnqueueAsync(TurnRecord turn, CancellationToken cancellationToken) =>
        queue.EnqueueAsync(
            new TurnRequest(turn.UserId, turn.RequestId, turn.SessionId, turn.ConnectionId, turn.CreatedAt), cancellationToken);
}
