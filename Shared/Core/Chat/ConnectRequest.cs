using Conduit.Core.Contracts;
using Conduit.Core.Ports;
using Conduit.Core.Protocol;
using Microsoft.Extensions.Logging;

namespace Conduit.Core.Chat;

public sealed record ConnectRequest(
    string ConnectionId, DateTimeOffset ConnectedAt, string? SourceIp, string? UserAgent, string? Origin, ConnectCredentials Credentials);
