using System.Text.Json.Nodes;

namespace Conduit.Local.StepFunctions;

/// <summary>What the interpreter knows about the execution it runs.</summary>
internal sealed record ExecutionInfo(
    string ExecutionArn,
    string Name,
    DateTimeOffset StartTime,
    JsonNode? Input,
    string RoleArn,
    string StateMachineArn,
    string StateMachineName,
    string Region,
    int RedriveCount,
    DateTimeOffset? RedriveTime);
