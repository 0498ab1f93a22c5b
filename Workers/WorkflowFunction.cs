using Conduit.Aws.Lambda;
using Conduit.Core.Chat;
using Conduit.Core.Contracts;
using Conduit.Core.Observability;
using Conduit.Core.Serialization;
using Microsoft.Extensions.Logging;

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
    : LambdaFunction
{
    private readonly ILogger _logger = telemetry.Loggers.CreateLogger(function.Name);

    /// <summary>
    /// A state that is not a <see cref="ChatTurnState"/> fails the task as <see cref="MalformedEventException"/>; a
    /// step that runs into the deadline fails it as <see cref="DeadlineExceededException"/>, both named in the history.
    /// </summary>
    public override async Task<Stream> HandleAsync(Stream input, CancellationToken cancellationToken)
    {
        ChatTurnState state;
        try
        {
            state = await LambdaJson.ReadEventAsync(input, CoreJsonContext.Wire.ChatTurnState, cancellationToken).ConfigureAwait(false);
        }
        catch (MalformedEventException exception)
        {
            LambdaLog.MalformedEvent(_logger, function.Name, "Step Functions task", exception.Message);
            throw;
        }
        ChatTurnState result;
        using (telemetry.Begin(function.Name, state.Turn, phase))
        {
            try
            {
                result = await step(state, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException exception) when (cancellationToken.IsCancellationRequested)
            {
                LambdaLog.DeadlineReached(_logger, function.Name);
                throw new DeadlineExceededException($"{function.Name} stopped at its deadline, before Lambda's timeout.", exception);
            }
        }
        return await LambdaJson.WriteAsync(result, CoreJsonContext.Wire.ChatTurnState).ConfigureAwait(false);
    }
}
