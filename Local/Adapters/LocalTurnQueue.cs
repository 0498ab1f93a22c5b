using System.Text.Json;
using Conduit.Local.Queue;
using Conduit.Shared.Contracts;
using Conduit.Shared.Ports;
using Conduit.Shared.Serialization;

namespace Conduit.Local.Adapters;

/// <summary>The turn queue on the local durable queue; SendAsync commits before it returns, so an ack is durable.</summary>
public sealed class LocalTurnQueue(DurableQueue queue) : ITurnQueue
{
    public Task EnqueueAsync(TurnRequest request, CancellationToken cancellationToken) =>
        queue.SendAsync(JsonSerializer.Serialize(request, SharedJsonContext.Wire.TurnRequest), null, cancellationToken);
}
