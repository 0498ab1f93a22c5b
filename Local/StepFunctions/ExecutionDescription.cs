using System.Text.Json.Nodes;

namespace Conduit.Local.StepFunctions;

/// <summary>
/// One execution as DescribeExecution reports it. <see cref="Input"/> and <see cref="Output"/> are JSON text;
/// <see cref="Output"/> is set once the execution has succeeded, <see cref="Error"/> and <see cref="Cause"/> once it
/// has failed, timed out or been aborted. <see cref="RedriveCount"/> counts the times the execution was resumed after
/// the host stopped while it ran, <see cref="RedriveDate"/> is when that last happened, as for an AWS redrive.
/// </summary>
public sealed record ExecutionDescription(
    string ExecutionArn,
    string StateMachineArn,
    string Name,
    ExecutionStatus Status,
    DateTimeOffset StartDate,
    DateTimeOffset? StopDate,
    string Input,
    string? Output,
    string? Error,
    string? Cause,
    int RedriveCount = 0,
    DateTimeOffset? RedriveDate = null)
{
    /// <summary>The DescribeExecution response shape, with the field names the AWS API uses.</summary>
    public JsonObject ToJson()
    {
        var json = new JsonObject
        {
            ["executionArn"] = ExecutionArn,
            ["stateMachineArn"] = StateMachineArn,
            ["name"] = Name,
            ["status"] = Status.ToApiName(),
            ["startDate"] = AslTimestamp.Format(StartDate),
            ["input"] = Input,
        };
        if (StopDate is { } stopDate) json["stopDate"] = AslTimestamp.Format(stopDate);
        if (Output is not null) json["output"] = Output;
        if (Error is not null) json["error"] = Error;
        if (Cause is not null) json["cause"] = Cause;
        json["redriveCount"] = RedriveCount;
        if (RedriveDate is { } redriveDate) json["redriveDate"] = AslTimestamp.Format(redriveDate);
        return json;
    }
}
