using System.Text.Json.Serialization;
using Conduit.Core.Protocol;

namespace Conduit.Core.Contracts;

public sealed record TurnReference(string RequestId, string SessionId, string ConnectionId);
