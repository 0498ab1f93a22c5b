using System.Text.Json.Serialization;
using Conduit.Shared.Protocol;

namespace Conduit.Shared.Contracts;

/// <summary>
/// The workflow's state: every worker receives it whole and returns it with its own part filled in
/// (the ASL passes <c>$</c> as the payload and keeps <c>$.Payload</c>). It holds references and small
/// results only; history text stays in the store, keeping the state far below Step Functions' 256 KB.
/// </summary>
public sealed record ChatTurnState
{
    public required TurnReference Turn { get; init; }

    /// <summary>When Ingress acknowledged the turn; time to first token and turn duration count from here.</summary>
    public DateTimeOffset? AcceptedAt { get; init; }
    public PromptWindow? Prompt { get; init; }
    public PlanDecision? Plan { get; init; }
    /// <summary>Never null: a state written before any round (or by hand, without the field) reads as no rounds.</summary>
    public IReadOnlyList<ToolRound> Rounds
    {
        get => _rounds;
        init => _rounds = value ?? [];
    }

    public TokenUsage Usage
    {
        get => _usage;
        init => _usage = value ?? TokenUsage.Zero;
    }
    public TurnOutcome? Outcome { get; init; }

    /// <summary>Set by the workflow's Catch (<c>ResultPath: $.error</c>) before NotifyFailure runs.</summary>
    [JsonPropertyName("error")]
    public WorkflowError? Error { get; init; }

    private readonly IReadOnlyList<ToolRound> _rounds = [];
    private readonly TokenUsage _usage = TokenUsage.Zero;
}

public sealed record TurnReference(string RequestId, string SessionId, string ConnectionId);

/// <summary>The slice of session history (inclusive indexes) that forms this turn's prompt.</summary>
public sealed record PromptWindow(long FirstIndex, long LastIndex, int MessageCount, int DroppedCount);

public static class PlanActions
{
    public const string Retrieve = "retrieve";
    public const string Answer = "answer";
}

/// <summary>What the planner decided; <see cref="Round"/> is the tool round a retrieve would be (1-based).</summary>
public sealed record PlanDecision(string Action, int Round, IReadOnlyList<ToolCall> ToolCalls);

public sealed record ToolCall(string CallId, string Name, string Query);

public sealed record ToolRound(IReadOnlyList<ToolCall> Calls, IReadOnlyList<ToolResult> Results);

public sealed record ToolResult(string CallId, IReadOnlyList<PassageRecord> Passages, string? Error = null);

public sealed record PassageRecord(string Source, string Title, string Text, double Score);

/// <summary>The tool result as the model reads it.</summary>
public sealed record KnowledgeLookupResult(IReadOnlyList<PassageRecord> Passages, string? Error = null);

public sealed record TurnOutcome(string StopReason, string Model, long AnswerIndex);

/// <summary>The error object Step Functions' Catch writes: the field names are AWS's.</summary>
public sealed record WorkflowError(
    [property: JsonPropertyName("Error")] string Error,
    [property: JsonPropertyName("Cause"), JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? Cause);
