using System.Text.Json.Serialization;
using Conduit.Core.Ports;

namespace Conduit.Core.Contracts;

/// <summary>One attempt of one turn, as the workflow carries it: enough to find the turn and to address its frames.</summary>
public sealed record TurnReference(string UserId, string RequestId, string SessionId, string ConnectionId)
{
    /// <summary>Which run of the turn this is (1 unless the client retried after a retryable failure).</summary>
    public int Attempt { get; init; } = 1;

    [JsonIgnore]
    public TurnKey Key => new(UserId, RequestId);
}
