using System.Collections.Frozen;

namespace Conduit.Local.StepFunctions;

/// <summary>
/// A set of states and the one to start at: the state machine itself, a Parallel branch or a Map item processor.
/// </summary>
internal sealed record StateGraph(string StartAt, FrozenDictionary<string, AslState> States, IReadOnlyList<string> StateNames);
