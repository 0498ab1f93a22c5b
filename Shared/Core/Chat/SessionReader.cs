using System.Text;
using System.Text.Json;
using Conduit.Core.Ports;
using Conduit.Core.Protocol;

namespace Conduit.Core.Chat;

/// <summary>Resume (replay, then live) and history pages: how a client that was away catches up.</summary>
public sealed class SessionReader(
    ISessionStore sessions,
    ISubscriptionStore subscriptions,
    IFrameStore frames,
    IHistoryStore history,
    FrameDelivery delivery,
    ConduitSettings settings,
    TimeProvider time)
{
    /// <summary>Route responses and @connections messages are capped at 128 KB; a page stays well inside that.</summary>
    public const int MaxPageBytes = 96 * 1024;

    /// <summary>
    /// Subscribes the connection from <see cref="ResumeCommand.AfterSeq"/> and posts every frame after it, in order,
    /// before answering; frames persisted meanwhile follow live, with no gap and no repeat (see <see cref="FrameDelivery"/>).
    /// </summary>
    public async Task<ServerFrame> ResumeAsync(
        string connectionId, string userId, ResumeCommand command, CancellationToken cancellationToken)
    {
        if (await sessions.GetAsync(command.SessionId, cancellationToken).ConfigureAwait(false) is not { } session)
            return SessionNotFound(command.SessionId);
        if (session.OwnerId != userId) return Ownership.Forbidden(requestId: null);
        if (command.AfterSeq > session.LastSeq)
        {
            return new ErrorFrame(
                ErrorCodes.SeqOutOfRange,
                $"afterSeq {command.AfterSeq} is beyond the session's last seq {session.LastSeq}.",
                null,
                Retryable: false);
        }

        var expiresAt = time.GetUtcNow() + settings.ConnectionTtl;
        await subscriptions.SubscribeAsync(
            session.SessionId, connectionId, command.AfterSeq, resetCursor: true, expiresAt, cancellationToken).ConfigureAwait(false);
        await delivery.DeliverAsync(session.SessionId, connectionId, latest: null, cancellationToken).ConfigureAwait(false);
        var now = await sessions.GetAsync(session.SessionId, cancellationToken).ConfigureAwait(false);
        return new ResumedFrame(session.SessionId, now?.LastSeq ?? session.LastSeq);
    }

    /// <summary>One page of messages and frames, bounded by count and by size.</summary>
    public async Task<ServerFrame> HistoryAsync(string userId, HistoryQuery query, CancellationToken cancellationToken)
    {
        if (await sessions.GetAsync(query.SessionId, cancellationToken).ConfigureAwait(false) is not { } session)
            return SessionNotFound(query.SessionId);
        if (session.OwnerId != userId) return Ownership.Forbidden(requestId: null);

        var budget = MaxPageBytes;
        var messages = new List<HistoryEntry>();
        var nextIndex = query.AfterIndex;
        var candidates = await history.ReadRangeAsync(session.SessionId, query.AfterIndex + 1, long.MaxValue, cancellationToken)
            .ConfigureAwait(false);
        var more = false;
        foreach (var message in candidates)
        {
            var size = Encoding.UTF8.GetByteCount(message.Text) + 256;
            if (messages.Count == query.Limit || (size > budget && messages.Count > 0))
            {
                more = true;
                break;
            }
            budget -= size;
            messages.Add(new HistoryEntry(message.Index, message.RequestId, message.Role, message.Text, message.Status, message.CreatedAt));
            nextIndex = message.Index;
        }

        var stored = await frames.ReadAfterAsync(session.SessionId, query.AfterSeq, query.Limit + 1, cancellationToken)
            .ConfigureAwait(false);
        var page = new List<JsonElement>();
        var nextSeq = query.AfterSeq;
        foreach (var frame in stored)
        {
            var size = Encoding.UTF8.GetByteCount(frame.Json);
            if (page.Count == query.Limit || (size > budget && (page.Count > 0 || messages.Count > 0)))
            {
                more = true;
                break;
            }
            budget -= size;
            using var document = JsonDocument.Parse(frame.Json);
            page.Add(document.RootElement.Clone());
            nextSeq = frame.Seq;
        }
        return new HistoryFrame(session.SessionId, messages, page, session.LastSeq, nextIndex, nextSeq, more);
    }

    private static ErrorFrame SessionNotFound(string sessionId) =>
        new(ErrorCodes.SessionNotFound, $"Session \"{sessionId}\" does not exist or has expired.", null, Retryable: false);
}
