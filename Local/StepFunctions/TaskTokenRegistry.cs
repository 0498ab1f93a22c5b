using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace Conduit.Local.StepFunctions;

/// <summary>
/// The task tokens of <c>.waitForTaskToken</c> states that are waiting, shared by every state machine of a host so
/// that SendTaskSuccess, SendTaskFailure and SendTaskHeartbeat, which carry only the token, find their task.
/// </summary>
/// <remarks>
/// Tokens live in memory: after a restart the resumed execution runs its waiting state again and hands out a new
/// token, and the old one is answered with TaskDoesNotExist. A token whose task has ended is remembered (the newest
/// <see cref="RememberedEndedTokens"/>) so a late callback learns TaskTimedOut or TaskDoesNotExist as on AWS.
/// </remarks>
public sealed class TaskTokenRegistry
{
    public const int RememberedEndedTokens = 10_000;

    private const string TokenPrefix = "conduit-task-token:";

    private readonly Lock _lock = new();
    private readonly Dictionary<string, PendingTaskCallback> _waiting = new(StringComparer.Ordinal);
    private readonly Dictionary<string, bool> _endedTimedOut = new(StringComparer.Ordinal);
    private readonly Queue<string> _endedOrder = new();

    /// <summary>SendTaskSuccess: the waiting task succeeds with <paramref name="outputJson"/>.</summary>
    /// <exception cref="StepFunctionsServiceException">InvalidToken, InvalidOutput, TaskDoesNotExist or TaskTimedOut.</exception>
    public void SendSuccess(string taskToken, string outputJson)
    {
        var waiting = Find(taskToken);
        JsonNode? output;
        try
        {
            output = JsonNode.Parse(outputJson);
        }
        catch (System.Text.Json.JsonException exception)
        {
            throw new TaskCallbackRejectedException("InvalidOutput", $"Invalid Output: '{exception.Message}'");
        }

        if (!AslJson.FitsPayloadQuota(outputJson))
            throw new TaskCallbackRejectedException("InvalidOutput", "Invalid Output: the output is over the 262144-byte limit.");
        if (!waiting.TryComplete(new TaskCallbackOutcome(output, null, null))) throw DoesNotExist();
    }

    /// <summary>SendTaskFailure: the waiting task fails with <paramref name="error"/>, which Retry and Catch match on.</summary>
    /// <exception cref="StepFunctionsServiceException">InvalidToken, TaskDoesNotExist or TaskTimedOut.</exception>
    public void SendFailure(string taskToken, string? error, string? cause)
    {
        if (!Find(taskToken).TryComplete(new TaskCallbackOutcome(null, error ?? "", cause))) throw DoesNotExist();
    }

    /// <summary>SendTaskHeartbeat: the waiting task's HeartbeatSeconds count again from now.</summary>
    /// <exception cref="StepFunctionsServiceException">InvalidToken, TaskDoesNotExist or TaskTimedOut.</exception>
    public void SendHeartbeat(string taskToken) => Find(taskToken).Beat();

    internal PendingTaskCallback Issue(string executionArn)
    {
        var token = TokenPrefix + Convert.ToBase64String(Encoding.UTF8.GetBytes(executionArn))
            + "." + Convert.ToHexString(RandomNumberGenerator.GetBytes(32));
        var pending = new PendingTaskCallback(this, token);
        lock (_lock) _waiting.Add(token, pending);
        return pending;
    }

    internal void Retire(string token, bool timedOut)
    {
        lock (_lock)
        {
            if (!_waiting.Remove(token)) return;
            _endedTimedOut[token] = timedOut;
            _endedOrder.Enqueue(token);
            while (_endedOrder.Count > RememberedEndedTokens) _endedTimedOut.Remove(_endedOrder.Dequeue());
        }
    }

    private PendingTaskCallback Find(string taskToken)
    {
        ArgumentNullException.ThrowIfNull(taskToken);
        lock (_lock)
        {
            if (_waiting.TryGetValue(taskToken, out var waiting)) return waiting;
            if (_endedTimedOut.TryGetValue(taskToken, out var timedOut))
            {
                throw timedOut ? new TaskCallbackRejectedException("TaskTimedOut", "Task Timed Out: 'Provided task has timed out'")
                    : DoesNotExist();
            }
        }

        throw IsWellFormed(taskToken) ? DoesNotExist() : new InvalidTokenException($"Invalid Token: '{taskToken}'");
    }

    /// <summary>A token this service could have issued, perhaps before a restart: its task is gone rather than never was.</summary>
    private static bool IsWellFormed(string taskToken)
    {
        if (!taskToken.StartsWith(TokenPrefix, StringComparison.Ordinal)) return false;
        var parts = taskToken[TokenPrefix.Length..].Split('.');
        return parts.Length == 2 && parts[1].Length == 64 && Convert.TryFromBase64String(parts[0], new byte[parts[0].Length], out _);
    }

    private static TaskCallbackRejectedException DoesNotExist() =>
        new("TaskDoesNotExist", "Task Does Not Exist: 'Provided task does not exist anymore'");
}
