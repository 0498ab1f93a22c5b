using System.Text.Json;
using Conduit.Core.Contracts;
using Conduit.Core.Ports;
using Conduit.Core.Serialization;

namespace Conduit.Aws.StepFunctions;

/// <summary>Starts the chat-turn workflow on Step Functions, one execution per name.</summary>
public sealed class StepFunctionsWorkflowStarter(StepFunctionsClient stepFunctions, string stateMachineArn) : IWorkflowStarter
{
    public async Task<WorkflowStart> StartAsync(string executionName, ChatTurnState input, CancellationToken cancellationToken)
    {
        try
        {
            var json = JsonSerializer.Serialize(input, CoreJsonContext.Wire.ChatTurnState);
            var started = await stepFunctions.StartExecutionAsync(stateMachineArn, executionName, json, null, cancellationToken)
                .ConfigureAwait(false);
            return new WorkflowStart(WorkflowStartStatus.Started, started.ExecutionArn);
        }
        catch (AwsConflictException exception) when (exception.ErrorType == "ExecutionAlreadyExists")
        {
            return new WorkflowStart(WorkflowStartStatus.AlreadyExists, ExecutionArn(stateMachineArn, executionName));
        }
    }

    /// <summary>
    /// The ARN of the execution named <paramref name="executionName"/>, which ExecutionAlreadyExists does not return.
    /// The form <c>arn:aws:states:{region}:{account}:execution:{stateMachine}:{name}</c> is taken from AWS's examples;
    /// the service model documents only state machine ARNs, so it is unconfirmed. Null for an ARN not of the
    /// unqualified <c>…:stateMachine:{name}</c> form.
    /// </summary>
    public static string? ExecutionArn(string stateMachineArn, string executionName)
    {
        var parts = stateMachineArn.Split(':');
        return parts is [_, _, "states", _, _, "stateMachine", _]
            ? $"{string.Join(':', parts[..5])}:execution:{parts[6]}:{executionName}"
            : null;
    }
}
