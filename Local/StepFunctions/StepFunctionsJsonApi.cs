using System.Text.Json;
using System.Text.Json.Nodes;
using Conduit.Local.Edge;

namespace Conduit.Local.StepFunctions;

/// <summary>
/// The Step Functions API (AWS JSON 1.0, target prefix <c>AWSStepFunctions</c>, signing name <c>states</c>) over the
/// <see cref="StateMachineRegistry"/>: the operations, members, timestamps (epoch seconds) and errors the real service
/// has, so the AWS SDKs and CLI work against it unchanged.
/// </summary>
/// <param name="registry">The state machines.</param>
/// <param name="taskTokens">
/// The waiting <c>.waitForTaskToken</c> tasks of every machine's executions, which SendTaskSuccess, SendTaskFailure
/// and SendTaskHeartbeat answer; without it no task is ever found.
/// </param>
public sealed class StepFunctionsJsonApi(StateMachineRegistry registry, TaskTokenRegistry? taskTokens = null) : IAwsJsonService
{
    private readonly TaskTokenRegistry _taskTokens = taskTokens ?? new TaskTokenRegistry();

    public const int DefaultPageSize = 100;
    public const string ErrorNamespace = "com.amazonaws.sfn";

    public string TargetPrefix => "AWSStepFunctions";

    public string SigningName => "states";

    public string ContentType => "application/x-amz-json-1.0";

    public async Task<JsonObject> InvokeAsync(string operation, JsonObject input, CancellationToken cancellationToken)
    {
        try
        {
            return operation switch
            {
                "CreateStateMachine" => await CreateStateMachineAsync(input, cancellationToken).ConfigureAwait(false),
                "UpdateStateMachine" => await UpdateStateMachineAsync(input, cancellationToken).ConfigureAwait(false),
                "DeleteStateMachine" => await DeleteStateMachineAsync(input, cancellationToken).ConfigureAwait(false),
                "DescribeStateMachine" => registry.Describe(Required(input, "stateMachineArn")).ToJson(),
                "ListStateMachines" => ListStateMachines(input),
                "StartExecution" => await StartExecutionAsync(input, cancellationToken).ConfigureAwait(false),
                "StartSyncExecution" => await StartSyncExecutionAsync(input, cancellationToken).ConfigureAwait(false),
                "DescribeExecution" => await DescribeExecutionAsync(input, cancellationToken).ConfigureAwait(false),
                "ListExecutions" => await ListExecutionsAsync(input, cancellationToken).ConfigureAwait(false),
                "GetExecutionHistory" => await GetExecutionHistoryAsync(input, cancellationToken).ConfigureAwait(false),
                "StopExecution" => await StopExecutionAsync(input, cancellationToken).ConfigureAwait(false),
                "RedriveExecution" => await RedriveExecutionAsync(input, cancellationToken).ConfigureAwait(false),
                "SendTaskSuccess" => SendTaskSuccess(input),
                "SendTaskFailure" => SendTaskFailure(input),
                "SendTaskHeartbeat" => SendTaskHeartbeat(input),
                _ => throw AwsJsonException.UnknownOperation(
                    $"AWSStepFunctions.{operation} is not an operation the local Step Functions service implements."),
            };
        }
        catch (StepFunctionsServiceException exception)
        {
            throw new AwsJsonException(400, $"{ErrorNamespace}#{exception.ErrorCode}", exception.Message);
        }
    }

    private async Task<JsonObject> CreateStateMachineAsync(JsonObject input, CancellationToken cancellationToken)
    {
        var created = await registry.CreateAsync(
            Required(input, "name"),
            Required(input, "definition"),
            Required(input, "roleArn"),
            Optional(input, "type") ?? StateMachineDescription.Standard,
            cancellationToken).ConfigureAwait(false);
        return new JsonObject
        {
            ["stateMachineArn"] = created.StateMachineArn,
            ["creationDate"] = EpochSeconds.Of(created.CreationDate),
        };
    }

    private async Task<JsonObject> UpdateStateMachineAsync(JsonObject input, CancellationToken cancellationToken)
    {
        var updated = await registry.UpdateAsync(
            Required(input, "stateMachineArn"), Optional(input, "definition"), Optional(input, "roleArn"), cancellationToken)
            .ConfigureAwait(false);
        return new JsonObject { ["updateDate"] = EpochSeconds.Of(updated) };
    }

    private async Task<JsonObject> DeleteStateMachineAsync(JsonObject input, CancellationToken cancellationToken)
    {
        await registry.DeleteAsync(Required(input, "stateMachineArn"), cancellationToken).ConfigureAwait(false);
        return [];
    }

    private JsonObject ListStateMachines(JsonObject input)
    {
        var (skip, size) = Page(input, "ListStateMachines");
        var machines = registry.List();
        return WithNextToken(
            new JsonObject { ["stateMachines"] = new JsonArray([.. machines.Skip(skip).Take(size).Select(m => (JsonNode)m.ToListItem())]) },
            skip + size < machines.Count ? skip + size : null,
            "ListStateMachines");
    }

    private async Task<JsonObject> StartExecutionAsync(JsonObject input, CancellationToken cancellationToken)
    {
        var emulator = registry.EmulatorFor(Required(input, "stateMachineArn"));
        var started = await emulator.StartExecutionAsync(
            Optional(input, "name") ?? Guid.NewGuid().ToString(),
            Optional(input, "input") ?? "{}",
            cancellationToken).ConfigureAwait(false);
        return new JsonObject { ["executionArn"] = started.ExecutionArn, ["startDate"] = EpochSeconds.Of(started.StartDate) };
    }

    /// <summary>Express only, as on AWS: starts the execution and answers when it has closed, with its outcome.</summary>
    private async Task<JsonObject> StartSyncExecutionAsync(JsonObject input, CancellationToken cancellationToken)
    {
        var stateMachineArn = Required(input, "stateMachineArn");
        if (registry.Describe(stateMachineArn).Type != StateMachineDescription.Express)
            throw new StateMachineTypeNotSupportedException("This operation is not supported by this type of state machine: STANDARD");
        var emulator = registry.EmulatorFor(stateMachineArn);
        var name = Optional(input, "name") ?? Guid.NewGuid().ToString();
        await emulator.StartExecutionAsync(name, Optional(input, "input") ?? "{}", cancellationToken).ConfigureAwait(false);
        var closed = await emulator.WaitForCompletionAsync(name, cancellationToken).ConfigureAwait(false);
        var output = ExecutionJson(closed, includeData: true);
        output.Remove("redriveCount");
        output["billingDetails"] = new JsonObject
        {
            ["billedMemoryUsedInMB"] = 64,
            ["billedDurationInMilliseconds"] =
                (long)Math.Ceiling(((closed.StopDate ?? closed.StartDate) - closed.StartDate).TotalMilliseconds),
        };
        return output;
    }

    private async Task<JsonObject> DescribeExecutionAsync(JsonObject input, CancellationToken cancellationToken)
    {
        var (emulator, name) = ExecutionOf(Required(input, "executionArn"));
        var includeData = Optional(input, "includedData") is not "METADATA_ONLY";
        var execution = await emulator.DescribeExecutionAsync(name, cancellationToken).ConfigureAwait(false);
        return ExecutionJson(execution, includeData);
    }

    private async Task<JsonObject> ListExecutionsAsync(JsonObject input, CancellationToken cancellationToken)
    {
        var stateMachineArn = Required(input, "stateMachineArn");
        var statusFilter = Optional(input, "statusFilter");
        ExecutionStatus? status = statusFilter switch
        {
            null or "PENDING_REDRIVE" => null,
            "RUNNING" or "SUCCEEDED" or "FAILED" or "TIMED_OUT" or "ABORTED" => ExecutionStatusNames.Parse(statusFilter),
            _ => throw new StepFunctionsValidationException(
                $"1 validation error detected: Value '{statusFilter}' at 'statusFilter' failed to satisfy constraint: "
                + "Member must satisfy enum value set: [RUNNING, SUCCEEDED, FAILED, TIMED_OUT, ABORTED, PENDING_REDRIVE]"),
        };
        var request = $"ListExecutions\n{stateMachineArn}\n{statusFilter}";
        var (skip, size) = Page(input, request);
        var emulator = registry.EmulatorFor(stateMachineArn);

        // No execution of this service is ever waiting for a redrive: a stopped host's executions resume by themselves.
        IReadOnlyList<ExecutionDescription> page = statusFilter == "PENDING_REDRIVE"
            ? []
            : await emulator.ListExecutionsPageAsync(skip, size + 1, status, cancellationToken).ConfigureAwait(false);
        return WithNextToken(
            new JsonObject { ["executions"] = new JsonArray([.. page.Take(size).Select(e => (JsonNode)ListItem(e))]) },
            page.Count > size ? skip + size : null,
            request);
    }

    private async Task<JsonObject> GetExecutionHistoryAsync(JsonObject input, CancellationToken cancellationToken)
    {
        var executionArn = Required(input, "executionArn");
        var reverse = OptionalBool(input, "reverseOrder") ?? false;
        var includeData = OptionalBool(input, "includeExecutionData") ?? true;
        var request = $"GetExecutionHistory\n{executionArn}\n{reverse}\n{includeData}";
        var (skip, size) = Page(input, request);
        var (emulator, name) = ExecutionOf(executionArn);
        var history = await emulator.GetExecutionHistoryAsync(name, cancellationToken).ConfigureAwait(false);
        var ordered = reverse ? history.Reverse() : history;
        return WithNextToken(
            new JsonObject
            {
                ["events"] = new JsonArray([.. ordered.Skip(skip).Take(size).Select(e => (JsonNode)EventJson(e, includeData))])
            },
            skip + size < history.Count ? skip + size : null,
            request);
    }

    private async Task<JsonObject> StopExecutionAsync(JsonObject input, CancellationToken cancellationToken)
    {
        var (emulator, name) = ExecutionOf(Required(input, "executionArn"));
        var stopped = await emulator.StopExecutionAsync(name, Optional(input, "error"), Optional(input, "cause"), cancellationToken)
            .ConfigureAwait(false);
        return new JsonObject { ["stopDate"] = EpochSeconds.Of(stopped.StopDate ?? stopped.StartDate) };
    }

    private async Task<JsonObject> RedriveExecutionAsync(JsonObject input, CancellationToken cancellationToken)
    {
        var executionArn = Required(input, "executionArn");
        var (emulator, name) = ExecutionOf(executionArn);
        if (registry.Describe(emulator.StateMachineArn).Type == StateMachineDescription.Express)
        {
            throw new ExecutionNotRedrivableException($"Executions of an EXPRESS state machine cannot be redriven: '{executionArn}'");
        }

        var redriveDate = await emulator.RedriveExecutionAsync(name, cancellationToken).ConfigureAwait(false);
        return new JsonObject { ["redriveDate"] = EpochSeconds.Of(redriveDate) };
    }

    private JsonObject SendTaskSuccess(JsonObject input)
    {
        _taskTokens.SendSuccess(TaskToken(input), Required(input, "output"));
        return [];
    }

    private JsonObject SendTaskFailure(JsonObject input)
    {
        var token = TaskToken(input);
        var error = Optional(input, "error");
        var cause = Optional(input, "cause");
        if (error is { Length: > 256 }) throw TooLong("error", 256);
        if (cause is { Length: > 32_768 }) throw TooLong("cause", 32_768);
        _taskTokens.SendFailure(token, error, cause);
        return [];
    }

    private JsonObject SendTaskHeartbeat(JsonObject input)
    {
        _taskTokens.SendHeartbeat(TaskToken(input));
        return [];
    }

    private static string TaskToken(JsonObject input)
    {
        var token = Required(input, "taskToken");
        if (token.Length == 0)
        {
            throw new StepFunctionsValidationException(
                "1 validation error detected: Value at 'taskToken' failed to satisfy constraint: "
                + "Member must have length greater than or equal to 1");
        }

        return token.Length <= 2048 ? token : throw TooLong("taskToken", 2048);
    }

    private static StepFunctionsValidationException TooLong(string member, int maximum) => new(
        $"1 validation error detected: Value at '{member}' failed to satisfy constraint: "
        + $"Member must have length less than or equal to {maximum}");

    /// <summary>The emulator of the machine an execution ARN names; an unknown machine means an unknown execution.</summary>
    private (StepFunctionsEmulator Emulator, string Name) ExecutionOf(string executionArn)
    {
        var (stateMachineArn, name) = StateMachineArns.SplitExecution(executionArn);
        try
        {
            return (registry.EmulatorFor(stateMachineArn), name);
        }
        catch (StateMachineDoesNotExistException)
        {
            throw new ExecutionDoesNotExistException($"Execution Does Not Exist: '{executionArn}'");
        }
    }

    private static JsonObject ExecutionJson(ExecutionDescription execution, bool includeData)
    {
        var json = Summary(execution);
        if (includeData) json["input"] = execution.Input;
        json["inputDetails"] = new JsonObject { ["included"] = includeData };
        if (execution.Output is not null)
        {
            if (includeData) json["output"] = execution.Output;
            json["outputDetails"] = new JsonObject { ["included"] = includeData };
        }
        if (execution.Error is not null) json["error"] = execution.Error;
        if (execution.Cause is not null) json["cause"] = execution.Cause;
        json["redriveCount"] = execution.RedriveCount;
        if (execution.RedriveDate is { } redriveDate) json["redriveDate"] = EpochSeconds.Of(redriveDate);
        return json;
    }

    private static JsonObject ListItem(ExecutionDescription execution)
    {
        var json = Summary(execution);
        json["redriveCount"] = execution.RedriveCount;
        return json;
    }

    /// <summary>What DescribeExecution and ListExecutions both say of an execution, in the order the service writes it.</summary>
    private static JsonObject Summary(ExecutionDescription execution)
    {
        var json = new JsonObject
        {
            ["executionArn"] = execution.ExecutionArn,
            ["stateMachineArn"] = execution.StateMachineArn,
            ["name"] = execution.Name,
            ["status"] = execution.Status.ToApiName(),
            ["startDate"] = EpochSeconds.Of(execution.StartDate),
        };
        if (execution.StopDate is { } stopDate) json["stopDate"] = EpochSeconds.Of(stopDate);
        return json;
    }

    private static JsonObject EventJson(HistoryEvent historyEvent, bool includeData)
    {
        var details = (JsonObject)historyEvent.Details.DeepClone();
        if (!includeData)
        {
            foreach (var field in new[] { "input", "output" })
            {
                if (details.Remove(field)) details[$"{field}Details"] = new JsonObject { ["included"] = false };
            }
        }
        return historyEvent.WithDetails(
            new JsonObject
            {
                ["timestamp"] = EpochSeconds.Of(historyEvent.Timestamp),
                ["type"] = historyEvent.Type,
                ["id"] = historyEvent.Id,
                ["previousEventId"] = historyEvent.PreviousEventId,
            },
            details);
    }

    private static JsonObject WithNextToken(JsonObject output, int? nextOffset, string request)
    {
        if (nextOffset is { } offset) output["nextToken"] = PageToken.Encode(offset, request);
        return output;
    }

    /// <summary>The page a request asks for: where it starts (from nextToken) and how many (maxResults, 0 for the default).</summary>
    private static (int Skip, int Size) Page(JsonObject input, string request)
    {
        var maxResults = OptionalInt(input, "maxResults") ?? 0;
        if (maxResults is < 0 or > StepFunctionsEmulator.MaxListResults)
        {
            throw new StepFunctionsValidationException(
                $"1 validation error detected: Value '{maxResults}' at 'maxResults' failed to satisfy constraint: "
                + $"Member must have value less than or equal to {StepFunctionsEmulator.MaxListResults} and greater than or equal to 0");
        }
        return (PageToken.Decode(Optional(input, "nextToken"), request), maxResults == 0 ? DefaultPageSize : maxResults);
    }

    private static string Required(JsonObject input, string member) =>
        Optional(input, member) ?? throw new StepFunctionsValidationException(
            $"1 validation error detected: Value null at '{member}' failed to satisfy constraint: Member must not be null");

    private static string? Optional(JsonObject input, string member) => AwsJsonMembers.OptionalString(input, member);

    private static int? OptionalInt(JsonObject input, string member) => input[member] switch
    {
        null => null,
        JsonValue value when value.TryGetValue<int>(out var number) => number,
        JsonValue value when value.GetValueKind() == JsonValueKind.Number => throw new StepFunctionsValidationException(
            $"1 validation error detected: Value '{value.ToJsonString()}' at '{member}' failed to satisfy constraint: "
            + "Member must be an integer"),
        _ => throw AwsJsonException.Serialization($"'{member}' must be a number."),
    };

    private static bool? OptionalBool(JsonObject input, string member) => input[member] switch
    {
        null => null,
        JsonValue value when value.GetValueKind() is JsonValueKind.True or JsonValueKind.False => value.GetValue<bool>(),
        _ => throw AwsJsonException.Serialization($"'{member}' must be true or false."),
    };
}
