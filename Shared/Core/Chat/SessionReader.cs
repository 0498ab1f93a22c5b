using System.Text.Json;
using Conduit.Core.Ports;
using Conduit.Core.Protocol;
using Conduit.Core.Serialization;

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
        // What this connection has been sent, not the session's last seq: a frame another deliverer is still posting, or
        // one that could not be posted, has not reached the client, and claiming it would hide that it is missing.
        var subscription = (await subscriptions.ListAsync(session.SessionId, cancellationToken).ConfigureAwait(false))
            .FirstOrDefault(s => s.ConnectionId == connectionId);
        return new ResumedFrame(session.SessionId, subscription?.DeliveredSeq ?? command.AfterSeq);
    }

    /// <summary>
    /// One page of messages and frames, at most <see cref="HistoryQuery.Limit"/> of each and
    /// <see cref="ProtocolLimits.MaxPageBytes"/> serialised in all. A message too large for a page on its own comes in
    /// pieces, one per page, continued from <see cref="HistoryQuery.TextOffset"/>.
    /// </summary>
    public async Task<ServerFrame> HistoryAsync(string userId, HistoryQuery query, CancellationToken cancellationToken)
    {
        if (await sessions.GetAsync(query.SessionId, cancellationToken).ConfigureAwait(false) is not { } session)
            return SessionNotFound(query.SessionId);
        if (session.OwnerId != userId) return Ownership.Forbidden(requestId: null);

        var envelope = new HistoryFrame(session.SessionId, [], [], long.MaxValue, long.MaxValue, long.MaxValue, More: true)
        {
            NextTextOffset = long.MaxValue,
        };
        var budget = ProtocolLimits.MaxPageBytes - WireSize.Of(envelope);
        var messages = new List<HistoryEntry>();
        var nextIndex = query.AfterIndex;
        long? nextTextOffset = null;
        var more = false;
        var candidates = await history.ReadRangeAsync(session.SessionId, query.AfterIndex + 1, long.MaxValue, cancellationToken)
            .ConfigureAwait(false);
        foreach (var message in candidates)
        {
            if (messages.Count == query.Limit)
            {
                more = true;
                break;
            }
            var offset = messages.Count == 0 && message.Index == query.AfterIndex + 1 ? StartOf(message.Text, query.TextOffset) : 0;
            var entry = new HistoryEntry(
                message.Index, message.RequestId, message.Role, message.Text[offset..], message.Status, message.CreatedAt)
            {
                TextOffset = offset > 0 ? offset : null,
            };
            var size = SizeOf(entry);
            if (size <= budget)
            {
                budget -= size;
                messages.Add(entry);
                nextIndex = message.Index;
                continue;
            }
            more = true;
            if (messages.Count > 0) break;

            var pieceEnvelope = SizeOf(entry with { Text = "", TextOffset = long.MaxValue, Partial = true });
            var length = WireSize.PrefixFitting(entry.Text, budget - pieceEnvelope, out var bytes);
            budget -= pieceEnvelope + bytes;
            messages.Add(entry with { Text = entry.Text[..length], Partial = true });
            nextTextOffset = offset + length;
            break;
        }

        var stored = await frames.ReadAfterAsync(session.SessionId, query.AfterSeq, query.Limit + 1, cancellationToken)
            .ConfigureAwait(false);
        var page = new List<JsonElement>();
        var nextSeq = query.AfterSeq;
        foreach (var frame in stored)
        {
            var json = WireSize.Of(frame.Json) <= ProtocolLimits.MaxFrameBytes
                ? frame.Json
                : OversizedFrames.ReplacementJson(frame.Json, frame.Seq);
            var size = WireSize.Of(json) + 1;
            if (page.Count == query.Limit || size > budget)
            {
                more = true;
                break;
            }
            budget -= size;
            using var document = JsonDocument.Parse(json);
            page.Add(document.RootElement.Clone());
            nextSeq = frame.Seq;
        }
        return new HistoryFrame(session.SessionId, messages, page, session.LastSeq, nextIndex, nextSeq, more)
        {
            NextTextOffset = nextTextOffset,
        };
    }

    /// <summary>Where a continued message resumes: within its text, and never between the two halves of a surrogate pair.</summary>
    private static int StartOf(string text, long requested)
    {
        var offset = (int)Math.Min(requested, text.Length);
        return offset > 0 && offset < text.Length && char.IsLowSurrogate(text[offset]) ? offset - 1 : offset;
    }

    private static int SizeOf(HistoryEntry entry) =>
        JsonSerializer.SerializeToUtf8Bytes(entry, CoreJsonContext.Wire.HistoryEntry).Length + 1;

    private static ErrorFrame SessionNotFound(string sessionId) =>
        new(ErrorCodes.SessionNotFound, $"Session \"{sessionId}\" does not exist or has expired.", null, Retryable: false);
}
