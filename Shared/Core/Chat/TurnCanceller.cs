using Conduit.Core.Ports;
using Conduit.Core.Protocol;

namespace Conduit.Core.Chat;

/// <summary>
/// Stops a turn. One still waiting for its session is cancelled at once and never reaches the model; one
/// already running is flagged, and its workers stop at their next check (the streamer checks every coalescing
/// interval), post <c>done</c> with stopReason <c>cancelled</c> and keep the partial answer. The flag is followed by a
/// move of the session's signal, which the streamer sees in its next frame append without reading the turn.
/// </summary>
public sealed class TurnCanceller(ITurnStore turns, ISessionStore sessions, FramePublisher publisher)
{
    public const string NoModel = "none";

    /// <summary>
    /// Null when the cancel was taken (its outcome arrives as the turn's done frame); otherwise the error. Turns are
    /// looked up under the user's own key, so another user's requestId is not found: the same answer, by the same
    /// path, as a requestId nobody used, which tells nothing about other users' turns.
    /// </summary>
    public async Task<ServerFrame?> CancelAsync(string userId, CancelCommand command, CancellationToken cancellationToken)
    {
        var key = new TurnKey(userId, command.RequestId);
        if (await turns.GetAsync(key, cancellationToken).ConfigureAwait(false) is not { } turn)
        {
            return new ErrorFrame(
                ErrorCodes.TurnNotFound, $"No turn has requestId \"{command.RequestId}\".", command.RequestId, Retryable: false);
        }
        if (turn.IsFinished) return Finished(turn);

        if (await turns.TransitionAsync(key, TurnStatus.Queued, TurnStatus.Cancelled, cancellationToken).ConfigureAwait(false)
            || await turns.TransitionAsync(key, TurnStatus.Waiting, TurnStatus.Cancelled, cancellationToken).ConfigureAwait(false))
        {
            await publisher.ForTurn(turn.Reference).DoneAsync(StopReasons.Cancelled, TokenUsage.Zero, NoModel, cancellationToken)
                .ConfigureAwait(false);
            return null;
        }
        if (!await turns.RequestCancelAsync(key, cancellationToken).ConfigureAwait(false)) return Finished(turn);
        // After the flag, so a streamer that sees the signal move reads a flag already set.
        await sessions.SignalAsync(turn.SessionId, cancellationToken).ConfigureAwait(false);
        return null;
    }

    private static ErrorFrame Finished(TurnRecord turn) =>
        new(
            ErrorCodes.TurnFinished,
            $"Turn \"{turn.RequestId}\" has already finished; there is nothing to cancel.",
            turn.RequestId,
            Retryable: false);
}
