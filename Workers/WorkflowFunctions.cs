using System.Text.Json;
using Conduit.Shared.Chat;
using Conduit.Shared.Contracts;
using Conduit.Shared.Serialization;

namespace Conduit.Workers;

/// <summary>
/// A Task state's Lambda: the state machine passes the whole workflow state as the payload and keeps the
/// returned state (<c>OutputPath: $.Payload</c>). An exception fails the task with the exception's type name as
/// the Step Functions error, which is what the ASL's Retry and Catch match on.
/// </summary>
public abstract class WorkflowFunction(Func<ChatTurnState, CancellationToken, Task<ChatTurnState>> step)
{
    public async Task<Stream> Handle(Stream input)
    {
        var state = await JsonSerializer.DeserializeAsync(input, SharedJsonContext.Wire.ChatTurnState).ConfigureAwait(false)
            ?? throw new InvalidDataException("The workflow state was null.");
        var result = await step(state, CancellationToken.None).ConfigureAwait(false);
        var output = new MemoryStream();
        await JsonSerializer.SerializeAsync(output, result, SharedJsonContext.Wire.ChatTurnState).ConfigureAwait(false);
        output.Position = 0;
        return output;
    }
}

public sealed class BuildPromptFunction(ChatWorkflow workflow) : WorkflowFunction(workflow.BuildPromptAsync);

public sealed class PlanFunction(ChatWorkflow workflow) : WorkflowFunction(workflow.PlanAsync);

public sealed class RetrieveFunction(ChatWorkflow workflow) : WorkflowFunction(workflow.RetrieveAsync);

public sealed class StreamFunction(ChatWorkflow workflow) : WorkflowFunction(workflow.StreamAsync);

public sealed class NotifyFailureFunction(ChatWorkflow workflow) : WorkflowFunction(workflow.NotifyFailureAsync);
