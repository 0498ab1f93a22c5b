using System.Text.Json.Nodes;

namespace Conduit.Local.StepFunctions;

/// <summary>
/// A state machine as DescribeStateMachine reports it. <see cref="Type"/> is <c>STANDARD</c> or <c>EXPRESS</c>;
/// <see cref="IsBuiltIn"/> marks the host's own chat-turn machine, which the API lists but does not change.
/// </summary>
public sealed record StateMachineDescription(
    string StateMachineArn,
    string Name,
    string Definition,
    string RoleArn,
    string Type,
    DateTimeOffset CreationDate,
    bool IsBuiltIn = false)
{
    public const string Standard = "STANDARD";
    public const string Express = "EXPRESS";

    public JsonObject ToJson() => new()
    {
        ["stateMachineArn"] = StateMachineArn,
        ["name"] = Name,
        ["status"] = "ACTIVE",
        ["definition"] = Definition,
        ["roleArn"] = RoleArn,
        ["type"] = Type,
        ["creationDate"] = EpochSeconds.Of(CreationDate),
        ["loggingConfiguration"] = new JsonObject { ["level"] = "OFF", ["includeExecutionData"] = false },
        ["tracingConfiguration"] = new JsonObject { ["enabled"] = false },
    };

    public JsonObject ToListItem() => new()
    {
        ["stateMachineArn"] = StateMachineArn,
        ["name"] = Name,
        ["type"] = Type,
        ["creationDate"] = EpochSeconds.Of(CreationDate),
    };
}
