using Conduit.Core.Contracts;
using Conduit.Core.Ports;

namespace Conduit.Tests.EndToEnd.Support;

/// <summary>
/// Starts every call as a new execution, as StartExecution does for an Express state machine (whose names are not
/// unique): each start gets its own name, so the interpreter never answers ExecutionAlreadyExists.
/// </summary>
public sealed class DuplicatingWorkflowStarter(IWorkflowStarter inner) : IWorkflowStarter
{
    private int _starts;

    public int Starts => _starts;

    public Task<WorkflowStart> StartAsync(string executionName, ChatTurnState input, CancellationToken cancellationToken)
    {
        var start = Interlocked.Increment(ref _starts);
        return inner.StartAsync($"{executionName[..Math.Min(executionName.Length, 70)]}-s{start}", input, cancellationToken);
    }
}
