namespace Conduit.Core.Contracts;

/// <summary>What the planner decided; <see cref="Round"/> is the tool round a retrieve would be (1-based).</summary>
public sealed record PlanDecision(string Action, int Round, IReadOnlyList<ToolCall> ToolCalls);
