using Conduit.Local.StepFunctions;
using Conduit.Shared.Ports;

namespace Conduit.Local.Adapters;

/// <summary>Starts executions on the local Step Functions interpreter with StartExecution's Standard semantics.</summary>
public sealed class LocalWorkflowStarter(StepFunctionsEmulator emulator) : IWorkflowStarter
{
    public async Task<WorkflowStart> StartAsync(string executionName, string input, CancellationToken cancellationToken)
    {
        try
        {
            var started = await emulator.StartExecutionAsync(executionName, input, cancellationToken).ConfigureAwait(false);
            return new WorkflowStart(started.AlreadyRunning ? WorkflowStartStatus.AlreadyExists : WorkflowStartStatus.Started, started.ExecutionArn);
        }
        catch (ExecutionAlreadyExistsException)
        {
            return new WorkflowStart(WorkflowStartStatus.AlreadyExists, null);
        }
    }
}
