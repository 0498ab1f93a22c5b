using Conduit.Shared.Aws;
using Conduit.Shared.Chat;
using Conduit.Shared.Contracts;
using Conduit.Shared.Observability;
using Conduit.Shared.Protocol;
using Conduit.Shared.Lambda;
using Conduit.Shared.Serialization;

namespace Conduit.Workers;

/// <summary>
/// A Task state's Lambda: the state machine passes the whole workflow state as the payload and keeps the
/// returned state (<c>OutputPath: $.Payload</c>). An exception fails the task with the exception's type name as
/// the Step Functions error, which is what the ASL's Retry and Catch match on.
/// </summary>
public abstract class WorkflowFunction(
    string function, string phase, Func<ChatTurnState, CancellationToken, Task<ChatTurnState>> step, FunctionTelemetry telemetry)
{
    public async Task<Stream> Handle(Stream input)
    {
        var state = await LambdaJson.ReadAsync(input, SharedJsonContext.Wire.ChatTurnState).ConfigureAwait(false);
        ChatTurnState result;
        using (telemetry.Begin(function, state.Turn, phase))
        {
            result = await step(state, CancellationToken.None).ConfigureAwait(false);
        }
        return await LambdaJson.WriteAsync(result, SharedJsonContext.Wire.ChatTurnState).ConfigureAwait(false);
    }
}

public sealed class BuildPromptFunction(ChatWorkflow workflow, FunctionTelemetry telemetry)
    : WorkflowFunction("BuildPrompt", Phases.BuildingPrompt, workflow.BuildPromptAsync, telemetry)
{
    /// <summary>Lambda constructs the handler once per execution environment, through this constructor.</summary>
    public BuildPromptFunction()
        : this(AwsComposition.Current.Workflow(), AwsComposition.Current.Telemetry)
    {
    }
}

public sealed class PlanFunction(ChatWorkflow workflow, FunctionTelemetry telemetry)
    : WorkflowFunction("Plan", Phases.Planning, workflow.PlanAsync, telemetry)
{
    /// <summary>Lambda constructs the handler once per execution environment, through this constructor.</summary>
    public PlanFunction()
        : this(AwsComposition.Current.Workflow(), AwsComposition.Current.Telemetry)
    {
    }
}

public sealed class RetrieveFunction(ChatWorkflow workflow, FunctionTelemetry telemetry)
    : WorkflowFunction("Retrieve", Phases.Retrieving, workflow.RetrieveAsync, telemetry)
{
    /// <summary>Lambda constructs the handler once per execution environment, through this constructor.</summary>
    public RetrieveFunction()
        : this(AwsComposition.Current.Workflow(), AwsComposition.Current.Telemetry)
    {
    }
}

public sealed class StreamFunction(ChatWorkflow workflow, FunctionTelemetry telemetry)
    : WorkflowFunction("Stream", Phases.Streaming, workflow.StreamAsync, telemetry)
{
    /// <summary>Lambda constructs the handler once per execution environment, through this constructor.</summary>
    public StreamFunction()
        : this(AwsComposition.Current.Workflow(), AwsComposition.Current.Telemetry)
    {
    }
}

public sealed class NotifyFailureFunction(ChatWorkflow workflow, FunctionTelemetry telemetry)
    : WorkflowFunction("NotifyFailure", "failed", workflow.NotifyFailureAsync, telemetry)
{
    /// <summary>Lambda constructs the handler once per execution environment, through this constructor.</summary>
    public NotifyFailureFunction()
        : this(AwsComposition.Current.Workflow(), AwsComposition.Current.Telemetry)
    {
    }
}
