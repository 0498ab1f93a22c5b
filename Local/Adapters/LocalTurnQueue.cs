using System.Text.Json;
using Conduit.Core.Contracts;
using Conduit.Core.Ports;
using Conduit.Core.Serialization;
using Conduit.Local.Queue;

namespace Conduit.Local.Adapters;

/// <summary>The turn queue on the local durable queue; SendAsync commits before it returns, so an ack is durable.</summary>
public sealed class LocalTurnQueue(DurableQueue queue) : ITurnQueue
{
    public Task EnqueueAsync(TurnRequest request, CancellationToken cancellationToken) =>
        queue.SendAsync(JsonSerializer.Serialize(request, CoreJsonContext.Wire.TurnRequest), null, cancellationToken);
}
