namespace Conduit.Core.Contracts;

public sealed record TurnOutcome(string StopReason, string Model, long AnswerIndex);
