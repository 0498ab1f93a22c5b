using Conduit.Core.Contracts;
using Conduit.Core.Ports;
using Microsoft.Extensions.Logging;

namespace Conduit.Core.Chat;

/// <summary>
/// Starts one workflow execution per attempt of a turn (named by <see cref="ExecutionNames"/>) when the turn's
/// session is free.
/// </summary>
public sealed class TurnDispatcher(
    ITurnStore turns,
    IWorkflowStarter workflow,
    TurnSequencer sequencer,
    FramePublisher publisher,
    ILogger<TurnDispatcher> logger)
{
    /// <summary>
    /// Safe to repeat: the queued status is posted only by the delivery that moves the turn out of Queued, a turn
    /// that must wait is queued again by the turn before it, and a second start of the same execution name counts
    /// as success. Each start carries its own run id: on Standard a second start differs in input and is refused as
    /// already existing; on Express it runs, and BuildPrompt's claim on the turn record stops it before the model.
    /// The attempt comes from the turn record, so a message left over from an earlier attempt starts the current one.
    /// Throws when the turn cannot be started, so the queue redelivers it (and dead-letters it in the end).
    /// </summary>
    public async Task DispatchAsync(TurnRequest request, CancellationToken cancellationToken)
    {
        var turn = await turns.GetAsync(request.Key, cancellationToken).ConfigureAwait(false)
            ?? throw new TurnNotFoundException(request.RequestId);
        if (turn.IsFinished)
        {
            ChatLog.TurnAlreadyFinished(logger, turn.RequestId, turn.Status);
            return;
        }

        var reference = turn.Reference;
        var execution = ExecutionNames.For(turn.Key, turn.Attempt);
        if (await turns.TransitionAsync(turn.Key, TurnStatus.Queued, TurnStatus.Waiting, cancellationToken).ConfigureAwait(false))
        {
            await publisher.ForTurn(reference).QueuedAsync(execution, cancellationToken).ConfigureAwait(false);
            turn = turn with { Status = TurnStatus.Waiting };
        }
        if (!await sequencer.TryStartAsync(turn, cancellationToken).ConfigureAwait(false))
        {
            ChatLog.TurnWaitsForSession(logger, turn.RequestId, turn.SessionId);
            return;
        }
        await turns.TransitionAsync(turn.Key, TurnStatus.Waiting, TurnStatus.Dispatched, cancellationToken).ConfigureAwait(false);

        var input = new ChatTurnState { Turn = reference, AcceptedAt = turn.CreatedAt, RunId = Guid.NewGuid().ToString("N") };
        var start = await workflow.StartAsync(execution, input, cancellationToken).ConfigureAwait(false);
        ChatLog.TurnDispatched(logger, turn.RequestId, start.Status, start.ExecutionId);
    }
}
