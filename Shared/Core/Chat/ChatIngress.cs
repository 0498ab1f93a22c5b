using Conduit.Core.Contracts;
using Conduit.Core.Ports;
using Conduit.Core.Protocol;
using Microsoft.Extensions.Logging;

namespace Conduit.Core.Chat;

/// <summary>
/// Everything the WebSocket entry point does: register connections, and answer each client frame at once with
/// an ack, a pong or an error frame. Slow work is only ever enqueued here.
/// </summary>
public sealed class ChatIngress(
    IConnectionStore connections,
    ISessionStore sessions,
    ITurnStore turns,
    ITurnQueue queue,
    ISubscriptionStore subscriptions,
    IRateLimitStore rateLimits,
    IConnectionAuthenticator authenticator,
    LiveConnections liveConnections,
    SessionReader reader,
    TurnCanceller canceller,
    ConduitSettings settings,
    TimeProvider time,
    ILogger<ChatIngress> logger)
{
    /// <summary>
    /// Registers the connection for the user its token names. Refused: a browser page whose Origin is not on the
    /// allowlist (exact match: scheme, host and port; clients that send no Origin are not browsers and are not
    /// asked for one), a missing or invalid token, and a user already at the open-connection cap (of live connections:
    /// see <see cref="LiveConnections"/>). Tokens are
    /// never logged; a refusal logs its reason code only.
    /// </summary>
    public async Task<ConnectDecision> ConnectAsync(ConnectRequest request, CancellationToken cancellationToken)
    {
        if (request.Origin is { } origin && !settings.AllowedOrigins.Contains(origin))
        {
            ChatLog.ConnectionRefusedForOrigin(logger, request.ConnectionId, origin);
            return ConnectDecision.Refuse(403, "Origin not allowed");
        }
        var identity = await authenticator.AuthenticateAsync(request.Credentials.Token, cancellationToken).ConfigureAwait(false);
        if (identity.UserId is not { } userId)
        {
            ChatLog.ConnectionRefusedUnauthenticated(logger, request.ConnectionId, identity.FailureReason);
            return ConnectDecision.Refuse(401, "Unauthorized");
        }
        var open = await liveConnections.CountAsync(userId, settings.MaxConnectionsPerUser, request.ConnectedAt, cancellationToken)
            .ConfigureAwait(false);
        if (open >= settings.MaxConnectionsPerUser)
        {
            ChatLog.ConnectionRefusedAtLimit(logger, request.ConnectionId, userId, settings.MaxConnectionsPerUser);
            return ConnectDecision.Refuse(429, "Too many connections");
        }
        await connections.AddAsync(
            new ConnectionRecord(
                request.ConnectionId,
                request.ConnectedAt,
                request.SourceIp,
                request.UserAgent,
                request.ConnectedAt + settings.ConnectionTtl)
            {
                UserId = userId,
            },
            cancellationToken).ConfigureAwait(false);
        return ConnectDecision.Accept(request.Credentials.Subprotocol);
    }

    public async Task DisconnectAsync(string connectionId, CancellationToken cancellationToken)
    {
        await subscriptions.RemoveConnectionAsync(connectionId, cancellationToken).ConfigureAwait(false);
        await connections.RemoveAsync(connectionId, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Answers one client frame (null when the route has nothing to say back). Never throws for anything the
    /// client sent; the connection stays usable.
    /// </summary>
    public async Task<ServerFrame?> HandleMessageAsync(
        string routeKey, string connectionId, string? body, bool isBase64Encoded, CancellationToken cancellationToken)
    {
        try
        {
            if (routeKey == RouteKeys.Ping) return new PongFrame();
            if (!RouteKeys.MessageRoutes.Contains(routeKey)) return ProtocolParser.DescribeUnrouted(body, isBase64Encoded);
            if ((await connections.GetAsync(connectionId, cancellationToken).ConfigureAwait(false))?.UserId is not { } userId)
            {
                return new ErrorFrame(
                    ErrorCodes.Unauthorized,
                    "This connection is not signed in (it may have expired); reconnect with a token.",
                    null,
                    Retryable: true);
            }
            return routeKey switch
            {
                RouteKeys.SendMessage => await SendMessageAsync(connectionId, userId, body, isBase64Encoded, cancellationToken)
                    .ConfigureAwait(false),
                RouteKeys.Resume => await WhenValidAsync(ProtocolParser.ParseResume(body, isBase64Encoded),
                    resume => reader.ResumeAsync(connectionId, userId, resume, cancellationToken)!).ConfigureAwait(false),
                RouteKeys.Cancel => await WhenValidAsync(ProtocolParser.ParseCancel(body, isBase64Encoded),
                    cancel => canceller.CancelAsync(userId, cancel, cancellationToken)).ConfigureAwait(false),
                _ => await WhenValidAsync(ProtocolParser.ParseHistory(body, isBase64Encoded),
                    query => reader.HistoryAsync(userId, query, cancellationToken)!).ConfigureAwait(false),
            };
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            ChatLog.RouteFailed(logger, exception, routeKey, connectionId);
            return new ErrorFrame(
                ErrorCodes.Internal, "The server could not handle that frame; nothing was queued. Try again.", null, Retryable: true);
        }
    }

    private static async Task<ServerFrame?> WhenValidAsync<T>(Parsed<T> parsed, Func<T, Task<ServerFrame?>> handle) where T : class =>
        parsed.Value is { } value ? await handle(value).ConfigureAwait(false) : parsed.Error;

    /// <summary>
    /// A new turn: within the user's rate and in-flight limits, in a session of the user's own (or a new one).
    /// The limits come before anything is written, so a refused message creates nothing.
    /// </summary>
    private async Task<ServerFrame> SendMessageAsync(
        string connectionId, string userId, string? body, bool isBase64Encoded, CancellationToken cancellationToken)
    {
        var parsed = ProtocolParser.ParseSendMessage(body, isBase64Encoded, settings.Limits);
        if (parsed.Error is not null) return parsed.Error;
        var command = parsed.Value!;

        var existing = await turns.GetAsync(command.RequestId, cancellationToken).ConfigureAwait(false);
        if (existing is not null)
            return await RepeatAsync(connectionId, userId, command, existing, cancellationToken).ConfigureAwait(false);

        // Independent store calls run side by side: on DynamoDB each is a round trip, and the ack waits for them all.
        var now = time.GetUtcNow();
        var taking = rateLimits.TryTakeAsync($"messages:{userId}", settings.MessageRate, now, cancellationToken);
        var counting = turns.CountInFlightForUserAsync(userId, cancellationToken);
        var finding = command.SessionId is { } requested
            ? sessions.GetAsync(requested, cancellationToken)
            : Task.FromResult<SessionRecord?>(null);
        await Task.WhenAll(taking, counting, finding).ConfigureAwait(false);

        var rate = await taking.ConfigureAwait(false);
        if (!rate.Allowed)
        {
            return new ErrorFrame(
                ErrorCodes.RateLimited,
                $"Too many messages; the next is accepted in {Math.Ceiling(rate.RetryAfter.TotalSeconds)} s.",
                command.RequestId,
                Retryable: true)
            {
                RetryAfterMs = (long)Math.Ceiling(rate.RetryAfter.TotalMilliseconds),
            };
        }
        if (await counting.ConfigureAwait(false) >= settings.MaxTurnsInFlightPerUser)
        {
            return new ErrorFrame(
                ErrorCodes.TooManyTurns,
                $"You have {settings.MaxTurnsInFlightPerUser} answers in progress; wait for one to finish.",
                command.RequestId,
                Retryable: true);
        }

        SessionRecord session;
        if (command.SessionId is { } requestedId)
        {
            if (await finding.ConfigureAwait(false) is not { } found)
            {
                return new ErrorFrame(
                    ErrorCodes.SessionNotFound,
                    $"Session \"{requestedId}\" does not exist or has expired; omit sessionId to start a new one.",
                    command.RequestId,
                    Retryable: false);
            }
            if (found.OwnerId != userId) return Ownership.Forbidden(command.RequestId);
            session = found;
        }
        else
        {
            session = await sessions.CreateAsync(Guid.NewGuid().ToString("N"), userId, cancellationToken).ConfigureAwait(false);
        }
        var sessionId = session.SessionId;

        var subscribing = subscriptions.SubscribeAsync(
            sessionId, connectionId, session.LastSeq, resetCursor: false, now + settings.ConnectionTtl, cancellationToken);
        var creating = turns.CreateAsync(
            new TurnRecord(command.RequestId, sessionId, connectionId, command.Text, TurnStatus.Queued, now, now, null) { UserId = userId },
            cancellationToken);
        await Task.WhenAll(subscribing, creating).ConfigureAwait(false);
        var (created, turn) = await creating.ConfigureAwait(false);
        return created
            ? await EnqueueAsync(turn, cancellationToken).ConfigureAwait(false)
            : await RepeatAsync(connectionId, userId, command, turn, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// A requestId seen before is an idempotent retry when it says the same thing: it gets the same ack, and the
    /// connection it came on (often a new one, after a reconnect) receives the turn's frames from now on. A turn
    /// still queued is enqueued again, because the first attempt may have died between saving and enqueueing;
    /// the dispatcher's execution name makes the second message harmless.
    /// </summary>
    private async Task<ServerFrame> RepeatAsync(
        string connectionId, string userId, SendMessageCommand command, TurnRecord turn, CancellationToken cancellationToken)
    {
        var sameSession = command.SessionId is null || command.SessionId == turn.SessionId;
        if (!sameSession || turn.UserId != userId || !string.Equals(command.Text, turn.Text, StringComparison.Ordinal))
        {
            return new ErrorFrame(
                ErrorCodes.Conflict,
                $"requestId \"{command.RequestId}\" was already used for a different message; use a new requestId.",
                command.RequestId,
                Retryable: false);
        }
        if (await sessions.GetAsync(turn.SessionId, cancellationToken).ConfigureAwait(false) is { } session)
        {
            var expiresAt = time.GetUtcNow() + settings.ConnectionTtl;
            await subscriptions.SubscribeAsync(
                session.SessionId, connectionId, session.LastSeq, resetCursor: false, expiresAt, cancellationToken).ConfigureAwait(false);
        }
        return turn.Status == TurnStatus.Queued
            ? await EnqueueAsync(turn, cancellationToken).ConfigureAwait(false)
            : new AckFrame(turn.RequestId, turn.SessionId);
    }

    private async Task<ServerFrame> EnqueueAsync(TurnRecord turn, CancellationToken cancellationToken)
    {
        try
        {
            var request = new TurnRequest(turn.RequestId, turn.SessionId, turn.ConnectionId, time.GetUtcNow());
            await queue.EnqueueAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            ChatLog.EnqueueFailed(logger, exception, turn.RequestId);
            return new ErrorFrame(
                ErrorCodes.Unavailable,
                "The turn was saved but could not be queued; send it again with the same requestId.",
                turn.RequestId,
                Retryable: true);
        }
        return new AckFrame(turn.RequestId, turn.SessionId);
    }
}
