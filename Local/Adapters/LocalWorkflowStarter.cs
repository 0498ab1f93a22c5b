using System.Text.Json;
using Conduit.Core.Contracts;
using Conduit.Core.Ports;
using Conduit.Core.Serialization;
using Conduit.Local.StepFunctions;

namespace Conduit.Local.Adapters;

/// <summary>Starts executions on the local Step Functions interpreter with StartExecution's Standard semantics.</summary>
public sealed class LocalWorkflowStarter(StepFunctionsEmulator emulator) : IWorkflowStarter
{
    public async Task<WorkflowStart> StartAsync(string executionName, ChatTurnState input, CancellationToken cancellationToken)
    {
        try
        {
            var json = JsonSerializer.Serialize(input, CoreJsonContext.Wire.ChatTurnState);
            var started = await emulator.StartExecutionAsync(executionName, json, cancellationToken).ConfigureAwait(false);
            var status = started.AlreadyRunning ? WorkflowStartStatus.AlreadyExists : WorkflowStartStatus.Started;
            return new WorkflowStart(status, started.ExecutionArn);
        }
        catch (ExecutionAlreadyExistsException)
        {
            return new WorkflowStart(WorkflowStartStatus.AlreadyExists, null);
        }
    }
}
