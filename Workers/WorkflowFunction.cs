using Conduit.Aws.Lambda;
using Conduit.Core.Contracts;
using Conduit.Core.Observability;
using Conduit.Core.Serialization;

namespace Conduit.Workers;

/// <summary>
/// A Task state's Lambda: the state machine passes the whole workflow state as the payload and keeps the
/// returned state (<c>OutputPath: $.Payload</c>). An exception fails the task with the exception's type name as
/// the Step Functions error, which is what the ASL's Retry and Catch match on.
/// </summary>
public abstract class WorkflowFunction(
    FunctionDefinition function,
    string phase,
    Func<ChatTurnState, CancellationToken, Task<ChatTurnState>> step,
    FunctionTelemetry telemetry)
    : ILambdaFunction
{
    public async Task<Stream> Handle(Stream input)
    {
        var state = await LambdaJson.ReadAsync(input, CoreJsonContext.Wire.ChatTurnState).ConfigureAwait(false);
        ChatTurnState result;
        using (telemetry.Begin(function.Name, state.Turn, phase))
        {
            result = await step(state, CancellationToken.None).ConfigureAwait(false);
        }
        return await LambdaJson.WriteAsync(result, CoreJsonContext.Wire.ChatTurnState).ConfigureAwait(false);
    }
}
