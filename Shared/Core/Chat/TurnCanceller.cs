using Conduit.Core.Contracts;
using Conduit.Core.Ports;
using Conduit.Core.Protocol;

namespace Conduit.Core.Chat;

/// <summary>
/// Stops a turn. One still waiting for its session is cancelled at once and never reaches the model; one
/// already running is flagged, and its workers stop at their next check (the streamer checks every coalescing
/// interval), post <c>done</c> with stopReason <c>cancelled</c> and keep the partial answer.
/// </summary>
public sealed class TurnCanceller(ITurnStore turns, FramePublisher publisher)
{
    public const string NoModel = "none";

    /// <summary>Null when the cancel was taken (its outcome arrives as the turn's done frame); otherwise the error.</summary>
    public async Task<ServerFrame?> CancelAsync(string userId, CancelCommand command, CancellationToken cancellationToken)
    {
        if (await turns.GetAsync(command.RequestId, cancellationToken).ConfigureAwait(false) is not { } turn)
        {
            return new ErrorFrame(
                ErrorCodes.TurnNotFound, $"No turn has requestId \"{command.RequestId}\".", command.RequestId, Retryable: false);
        }
        if (turn.UserId != userId) return Ownership.Forbidden(command.RequestId);
        if (turn.IsFinished) return Finished(turn);

        if (await turns.TransitionAsync(turn.RequestId, TurnStatus.Queued, TurnStatus.Cancelled, cancellationToken).ConfigureAwait(false)
            || await turns.TransitionAsync(turn.RequestId, TurnStatus.Waiting, TurnStatus.Cancelled, cancellationToken)
                .ConfigureAwait(false))
        {
            var reference = new TurnReference(turn.RequestId, turn.SessionId, turn.ConnectionId);
            await publisher.ForTurn(reference).DoneAsync(StopReasons.Cancelled, TokenUsage.Zero, NoModel, cancellationToken)
                .ConfigureAwait(false);
            return null;
        }
        return await turns.RequestCancelAsync(turn.RequestId, cancellationToken).ConfigureAwait(false) ? null : Finished(turn);
    }

    private static ErrorFrame Finished(TurnRecord turn) =>
        new(
            ErrorCodes.TurnFinished,
            $"Turn \"{turn.RequestId}\" has already finished; there is nothing to cancel.",
            turn.RequestId,
            Retryable: false);
}
