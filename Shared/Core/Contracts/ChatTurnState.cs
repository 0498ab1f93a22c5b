using System.Text.Json.Serialization;
using Conduit.Core.Protocol;

namespace Conduit.Core.Contracts;

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
    /// <summary>
    /// Which start of the attempt this execution is: the Dispatcher draws it for every StartExecution, and BuildPrompt
    /// claims the turn with it (<c>ITurnStore.ClaimRunAsync</c>), so a duplicate start never reaches the model.
    /// Null in a state written before runs were named; such a turn is not claimed.
    /// </summary>
    public string? RunId { get; init; }
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
