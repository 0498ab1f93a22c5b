using System.Text.Json.Serialization;
using Conduit.Core.Ports;

namespace Conduit.Core.Contracts;

/// <summary>
/// The queue message Ingress enqueues for one acknowledged turn. It carries references only: the turn record
/// (text and attempt included) is the source of truth, so a redelivered or replayed message can never disagree with it.
/// </summary>
public sealed record TurnRequest(string UserId, string RequestId, string SessionId, string ConnectionId, DateTimeOffset ReceivedAt)
{
    [JsonIgnore]
    public TurnKey Key => new(UserId, RequestId);
}
