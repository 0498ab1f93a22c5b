using System.Text.Json;
using Conduit.Shared.Contracts;
using Conduit.Shared.Ports;
using Conduit.Shared.Protocol;
using Conduit.Shared.Serialization;
using Microsoft.Extensions.Logging;

namespace Conduit.Shared.Chat;

/// <summary>Starts one workflow execution per queued turn, named by its requestId.</summary>
public sealed class TurnDispatcher(ITurnStore turns, IWorkflowStarter workflow, FramePublisher publisher, ILogger<TurnDispatcher> logger)
{
    /// <summary>
    /// Safe to repeat: the queued status is posted only by the delivery that moves the turn out of Queued, and a
    /// second start of the same execution name counts as success. Throws when the turn cannot be started, so the
    /// queue redelivers it (and dead-letters it in the end).
    /// </summary>
    public async Task DispatchAsync(TurnRequest request, CancellationToken cancellationToken)
    {
        var turn = await turns.GetAsync(request.RequestId, cancellationToken).ConfigureAwait(false)
            ?? throw new TurnNotFoundException(request.RequestId);
        if (turn.Status is TurnStatus.Completed or TurnStatus.Failed or TurnStatus.Cancelled)
        {
            logger.LogInformation("Turn {RequestId} is already {Status}; nothing to dispatch", turn.RequestId, turn.Status);
            return;
        }

        var reference = new TurnReference(turn.RequestId, turn.SessionId, turn.ConnectionId);
        if (await turns.TransitionAsync(turn.RequestId, TurnStatus.Queued, TurnStatus.Dispatched, cancellationToken).ConfigureAwait(false))
            await publisher.ForTurn(reference).StatusAsync(Phases.Queued, "Queued", cancellationToken).ConfigureAwait(false);

        var input = JsonSerializer.Serialize(new ChatTurnState { Turn = reference, AcceptedAt = request.ReceivedAt }, SharedJsonContext.Wire.ChatTurnState);
        var start = await workflow.StartAsync(turn.RequestId, input, cancellationToken).ConfigureAwait(false);
        logger.LogInformation("Turn {RequestId} dispatched ({Status}) as {ExecutionId}", turn.RequestId, start.Status, start.ExecutionId);
    }
}
