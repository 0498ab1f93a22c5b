using Conduit.Core.Contracts;

namespace Conduit.Core.Ports;

public interface IWorkflowStarter
{
    /// <summary>Starts the chat-turn workflow with <paramref name="input"/> as its state, one execution per name.</summary>
    Task<WorkflowStart> StartAsync(string executionName, ChatTurnState input, CancellationToken cancellationToken);
}
