using Conduit.Core.Contracts;
using Conduit.Core.Ports;
using Conduit.Core.Protocol;
using Microsoft.Extensions.Logging;

namespace Conduit.Core.Chat;

/// <summary>Starts one workflow execution per turn, named by its requestId, when the turn's session is free.</summary>
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
    /// as success. Throws when the turn cannot be started, so the queue redelivers it (and dead-letters it in the end).
    /// </summary>
    public async Task DispatchAsync(TurnRequest request, CancellationToken cancellationToken)
    {
        var turn = await turns.GetAsync(request.RequestId, cancellationToken).ConfigureAwait(false)
            ?? throw new TurnNotFoundException(request.RequestId);
        if (turn.IsFinished)
        {
            ChatLog.TurnAlreadyFinished(logger, turn.RequestId, turn.Status);
            return;
        }

        var reference = new TurnReference(turn.RequestId, turn.SessionId, turn.ConnectionId);
        if (await turns.TransitionAsync(turn.RequestId, TurnStatus.Queued, TurnStatus.Waiting, cancellationToken).ConfigureAwait(false))
        {
            await publisher.ForTurn(reference).StatusAsync(Phases.Queued, "Queued", cancellationToken).ConfigureAwait(false);
            turn = turn with { Status = TurnStatus.Waiting };
        }
        if (!await sequencer.TryStartAsync(turn, cancellationToken).ConfigureAwait(false))
        {
            ChatLog.TurnWaitsForSession(logger, turn.RequestId, turn.SessionId);
            return;
        }
        await turns.TransitionAsync(turn.RequestId, TurnStatus.Waiting, TurnStatus.Dispatched, cancellationToken).ConfigureAwait(false);

        var input = new ChatTurnState { Turn = reference, AcceptedAt = turn.CreatedAt };
        var start = await workflow.StartAsync(turn.RequestId, input, cancellationToken).ConfigureAwait(false);
        ChatLog.TurnDispatched(logger, turn.RequestId, start.Status, start.ExecutionId);
    }
}
