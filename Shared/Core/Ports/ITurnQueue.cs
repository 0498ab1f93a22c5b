using Conduit.Core.Contracts;

namespace Conduit.Core.Ports;

public interface ITurnQueue
{
    Task EnqueueAsync(TurnRequest request, CancellationToken cancellationToken);
}
