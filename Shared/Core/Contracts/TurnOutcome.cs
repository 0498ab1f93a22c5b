using System.Text.Json.Serialization;
using Conduit.Core.Protocol;

namespace Conduit.Core.Contracts;

public sealed record TurnOutcome(string StopReason, string Model, long AnswerIndex);
