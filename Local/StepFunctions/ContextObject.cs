using System.Text.Json.Nodes;

namespace Conduit.Local.StepFunctions;

/// <summary>
/// The context object that <c>$$</c> paths read. One instance serves the whole execution and is updated as states
/// are entered and retried: the interpreter runs one state at a time, and path resolution copies what it reads.
/// </summary>
internal sealed class ContextObject
{
    private readonly JsonObject _state = new();

    public ContextObject(ExecutionInfo execution)
    {
        var executionJson = new JsonObject
        {
            ["Id"] = execution.ExecutionArn,
            ["Input"] = execution.Input?.DeepClone(),
            ["Name"] = execution.Name,
            ["RoleArn"] = execution.RoleArn,
            ["StartTime"] = AslTimestamp.Format(execution.StartTime),
            ["RedriveCount"] = execution.RedriveCount,
        };
        if (execution.RedriveTime is { } redriveTime) executionJson["RedriveTime"] = AslTimestamp.Format(redriveTime);

        Json = new JsonObject
        {
            ["Execution"] = executionJson,
            ["State"] = _state,
            ["StateMachine"] = new JsonObject
            {
                ["Id"] = execution.StateMachineArn,
                ["Name"] = execution.StateMachineName,
            },
        };
    }

    private ContextObject(JsonObject json)
    {
        Json = json;
        _state = (JsonObject)json["State"]!;
    }

    public JsonObject Json { get; }

    /// <summary>A copy for a Parallel branch or Map iteration, which enters states of its own while its siblings run.</summary>
    public ContextObject ForBranch() => new((JsonObject)Json.DeepClone());

    /// <summary>The context as a Map state's ItemSelector sees it, with <c>Map.Item.Index</c> and <c>Map.Item.Value</c>.</summary>
    public JsonObject WithMapItem(int index, JsonNode? value)
    {
        var json = (JsonObject)Json.DeepClone();
        json["Map"] = new JsonObject { ["Item"] = new JsonObject { ["Index"] = index, ["Value"] = value?.DeepClone() } };
        return json;
    }

    public void EnterState(string name, DateTimeOffset enteredTime)
    {
        _state["EnteredTime"] = AslTimestamp.Format(enteredTime);
        _state["Name"] = name;
        _state["RetryCount"] = 0;
    }

    public void SetRetryCount(int retryCount) => _state["RetryCount"] = retryCount;

    /// <summary><c>$$.Task.Token</c> while a <c>.waitForTaskToken</c> state builds its parameters; no Task object otherwise.</summary>
    public void SetTaskToken(string? token)
    {
        if (token is null) Json.Remove("Task");
        else Json["Task"] = new JsonObject { ["Token"] = token };
    }
}
