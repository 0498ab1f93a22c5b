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
    SessionCatalog catalog,
    ConduitSettings settings,
    TimeProvider time,
    ILogger<ChatIngress> logger)
{
    private readonly SignedInConnections _signedIn = new(connections, time);

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
        var connection = new ConnectionRecord(
            request.ConnectionId,
            request.ConnectedAt,
            request.SourceIp,
            request.UserAgent,
            request.ConnectedAt + settings.ConnectionTtl)
        {
            UserId = userId,
        };
        await connections.AddAsync(connection, cancellationToken).ConfigureAwait(false);
        _signedIn.Remember(connection);
        return ConnectDecision.Accept(request.Credentials.Subprotocol);
    }

    public async Task DisconnectAsync(string connectionId, CancellationToken cancellationToken)
    {
        _signedIn.Forget(connectionId);
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
            if (await _signedIn.UserOfAsync(connectionId, cancellationToken).ConfigureAwait(false) is not { } userId)
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
                RouteKeys.ListSessions => await WhenValidAsync(ProtocolParser.ParseListSessions(body, isBase64Encoded),
                    list => catalog.ListAsync(userId, list, cancellationToken)!).ConfigureAwait(false),
                RouteKeys.RenameSession => await WhenValidAsync(ProtocolParser.ParseRenameSession(body, isBase64Encoded),
                    rename => catalog.RenameAsync(userId, rename, connectionId, cancellationToken)!).ConfigureAwait(false),
                RouteKeys.DeleteSession => await WhenValidAsync(ProtocolParser.ParseDeleteSession(body, isBase64Encoded),
                    delete => catalog.DeleteAsync(userId, delete, connectionId, cancellationToken)!).ConfigureAwait(false),
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
    /// The limits come before anything is written, so a refused message creates nothing. Every sendMessage takes
    /// from the rate, a repeat of a requestId too: a repeat costs the same round trips and may start a retry.
    /// </summary>
    private async Task<ServerFrame> SendMessageAsync(
        string connectionId, string userId, string? body, bool isBase64Encoded, CancellationToken cancellationToken)
    {
        var parsed = ProtocolParser.ParseSendMessage(body, isBase64Encoded, settings.Limits);
        if (parsed.Error is not null) return parsed.Error;
        var command = parsed.Value!;

        // Independent store calls run side by side: on DynamoDB each is a round trip, and the ack waits for them all.
        var now = time.GetUtcNow();
        var taking = rateLimits.TryTakeAsync($"messages:{userId}", settings.MessageRate, now, cancellationToken);
        var existing = turns.GetAsync(new TurnKey(userId, command.RequestId), cancellationToken);
        var counting = turns.CountInFlightForUserAsync(userId, cancellationToken);
        var finding = command.SessionId is { } requested
            ? sessions.GetAsync(requested, cancellationToken)
            : Task.FromResult<SessionRecord?>(null);
        await Task.WhenAll(taking, existing, counting, finding).ConfigureAwait(false);

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
        var inFlight = await counting.ConfigureAwait(false);
        if (await existing.ConfigureAwait(false) is { } turn)
            return await RepeatAsync(connectionId, command, turn, inFlight, cancellationToken).ConfigureAwait(false);
        if (inFlight >= settings.MaxTurnsInFlightPerUser) return TooManyTurns(command.RequestId);

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
        var (created, stored) = await creating.ConfigureAwait(false);
        return created
            ? await EnqueueAsync(stored, cancellationToken).ConfigureAwait(false)
            : await RepeatAsync(connectionId, command, stored, inFlight, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// A requestId the user has used before is an idempotent repeat when it says the same thing: it gets the same
    /// ack, and the connection it came on (often a new one, after a reconnect) receives the turn's frames from now
    /// on. A turn still queued is enqueued again, because the first attempt may have died between saving and
    /// enqueueing; the dispatcher's execution name makes the second message harmless. A turn that failed with a
    /// retryable error runs again as its next attempt; the store lets only one repeat start it, and the others
    /// get that attempt's ack.
    /// </summary>
    private async Task<ServerFrame> RepeatAsync(
        string connectionId, SendMessageCommand command, TurnRecord turn, int inFlight, CancellationToken cancellationToken)
    {
        var sameSession = command.SessionId is null || command.SessionId == turn.SessionId;
        if (!sameSession || !string.Equals(command.Text, turn.Text, StringComparison.Ordinal))
        {
            return new ErrorFrame(
                ErrorCodes.Conflict,
                $"requestId \"{command.RequestId}\" was already used for a different message; use a new requestId.",
                command.RequestId,
                Retryable: false);
        }
        var retry = turn.Status == TurnStatus.Failed && TurnErrors.IsRetryable(turn.ErrorCode);
        if (retry && inFlight >= settings.MaxTurnsInFlightPerUser) return TooManyTurns(command.RequestId);

        // Subscribed before a retry starts, so the connection receives the new attempt from its first frame.
        if (await sessions.GetAsync(turn.SessionId, cancellationToken).ConfigureAwait(false) is { } session)
        {
            var expiresAt = time.GetUtcNow() + settings.ConnectionTtl;
            await subscriptions.SubscribeAsync(
                session.SessionId, connectionId, session.LastSeq, resetCursor: false, expiresAt, cancellationToken).ConfigureAwait(false);
        }
        if (retry)
        {
            if (await turns.RetryAsync(turn.Key, turn.Attempt, cancellationToken).ConfigureAwait(false) is { } retried)
            {
                ChatLog.TurnRetried(logger, turn.RequestId, turn.ErrorCode, retried.Attempt);
                turn = retried;
            }
            else
            {
                turn = await turns.GetAsync(turn.Key, cancellationToken).ConfigureAwait(false) ?? turn;
            }
        }
        return turn.Status == TurnStatus.Queued
            ? await EnqueueAsync(turn, cancellationToken).ConfigureAwait(false)
            : Ack(turn);
    }

    private async Task<ServerFrame> EnqueueAsync(TurnRecord turn, CancellationToken cancellationToken)
    {
        try
        {
            var request = new TurnRequest(turn.UserId, turn.RequestId, turn.SessionId, turn.ConnectionId, time.GetUtcNow());
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
        return Ack(turn);
    }

    private static AckFrame Ack(TurnRecord turn) =>
        new(turn.RequestId, turn.SessionId) { Attempt = turn.Attempt > 1 ? turn.Attempt : null };

    private ErrorFrame TooManyTurns(string requestId) =>
        new(
            ErrorCodes.TooManyTurns,
            $"You have {settings.MaxTurnsInFlightPerUser} answers in progress; wait for one to finish.",
            requestId,
            Retryable: true);
}
