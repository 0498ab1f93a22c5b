using System.Text;
using System.Text.Json;
using Conduit.Core.Ports;
using Conduit.Core.Protocol;
using Conduit.Core.Serialization;
using Microsoft.Extensions.Logging;

namespace Conduit.Core.Chat;

/// <summary>
/// The conversation list: a user's sessions, newest first, renamed and deleted by their owner only. A rename or a
/// delete is also posted to the owner's other connections, so a second device shows it without asking again.
/// </summary>
public sealed class SessionCatalog(
    ISessionStore sessions,
    ISessionDirectory directory,
    ITurnStore turns,
    IConnectionStore connections,
    IConnectionSender sender,
    TimeProvider time,
    ILogger<SessionCatalog> logger)
{
    public async Task<ServerFrame> ListAsync(string userId, ListSessionsCommand command, CancellationToken cancellationToken)
    {
        SessionCursor? after = null;
        if (command.Cursor is { } text && (after = SessionCursor.TryParse(text)) is null)
        {
            return new ErrorFrame(
                ErrorCodes.InvalidField, "\"cursor\" must be the nextCursor of the previous sessions frame.", null, Retryable: false);
        }
        var page = await directory.ListAsync(userId, after, command.Limit, cancellationToken).ConfigureAwait(false);
        var entries = page.Sessions.Select(s => new SessionEntry(s.SessionId, TitleOf(s.Title), s.CreatedAt)).ToList();
        return new SessionsFrame(entries, page.Next?.ToString());
    }

    /// <param name="fromConnectionId">The connection that asked, which gets the answer as its reply; null over HTTP.</param>
    public async Task<ServerFrame> RenameAsync(
        string userId, RenameSessionCommand command, string? fromConnectionId, CancellationToken cancellationToken)
    {
        if (await OwnedAsync(userId, command.SessionId, cancellationToken).ConfigureAwait(false) is { } refused) return refused;
        if (!await directory.RenameAsync(command.SessionId, command.Title, cancellationToken).ConfigureAwait(false))
            return NotFound(command.SessionId);
        var renamed = new SessionRenamedFrame(command.SessionId, command.Title);
        await TellOtherConnectionsAsync(userId, fromConnectionId, renamed, cancellationToken).ConfigureAwait(false);
        return renamed;
    }

    /// <summary>
    /// Refused while a turn of the session is queued or running: its workflow would go on writing frames and history
    /// into a session that no longer exists. Stopping the answer first makes the delete go through.
    /// </summary>
    public async Task<ServerFrame> DeleteAsync(
        string userId, DeleteSessionCommand command, string? fromConnectionId, CancellationToken cancellationToken)
    {
        if (await OwnedAsync(userId, command.SessionId, cancellationToken).ConfigureAwait(false) is { } refused) return refused;
        var session = await sessions.GetAsync(command.SessionId, cancellationToken).ConfigureAwait(false);
        var held = session?.ActiveTurn is not null && session.ActiveTurnUntil > time.GetUtcNow();
        if (held || (await turns.ListWaitingAsync(command.SessionId, 1, cancellationToken).ConfigureAwait(false)).Count > 0)
        {
            return new ErrorFrame(
                ErrorCodes.Conflict,
                "An answer is still being written in this conversation; stop it, then delete the conversation.",
                null,
                Retryable: true);
        }
        await directory.DeleteAsync(command.SessionId, cancellationToken).ConfigureAwait(false);
        SessionCatalogLog.SessionDeleted(logger, command.SessionId, userId);
        var deleted = new SessionDeletedFrame(command.SessionId);
        await TellOtherConnectionsAsync(userId, fromConnectionId, deleted, cancellationToken).ConfigureAwait(false);
        return deleted;
    }

    private async Task<ErrorFrame?> OwnedAsync(string userId, string sessionId, CancellationToken cancellationToken) =>
        await sessions.GetAsync(sessionId, cancellationToken).ConfigureAwait(false) switch
        {
            null => NotFound(sessionId),
            { OwnerId: var owner } when owner != userId => Ownership.Forbidden(null),
            _ => null,
        };

    private static ErrorFrame NotFound(string sessionId) =>
        new(ErrorCodes.SessionNotFound, $"Session \"{sessionId}\" does not exist or has expired.", null, Retryable: false);

    /// <summary>
    /// Best effort: a device that misses the post (asleep, between sockets) lists its sessions again when it reconnects,
    /// so a failed post is logged and the change stands.
    /// </summary>
    private async Task TellOtherConnectionsAsync(
        string userId, string? fromConnectionId, ServerFrame frame, CancellationToken cancellationToken)
    {
        var json = JsonSerializer.SerializeToUtf8Bytes(frame, CoreJsonContext.Wire.ServerFrame);
        var targets = await connections.ListForUserAsync(userId, time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        foreach (var connectionId in targets.Where(id => id != fromConnectionId))
        {
            try
            {
                await sender.PostAsync(connectionId, json, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                SessionCatalogLog.NoticeFailed(logger, exception, connectionId);
            }
        }
    }

    /// <summary>A stored title, or a question's first line, cut to <see cref="RenameSessionCommand.MaxTitleLength"/> characters.</summary>
    private static string TitleOf(string text)
    {
        var line = text.AsSpan().Trim();
        var end = line.IndexOfAny('\r', '\n');
        if (end >= 0) line = line[..end].TrimEnd();
        var builder = new StringBuilder();
        var count = 0;
        foreach (var rune in line.EnumerateRunes())
        {
            if (++count > RenameSessionCommand.MaxTitleLength)
            {
                builder.Append('…');
                break;
            }
            builder.Append(Rune.IsControl(rune) ? " " : rune.ToString());
        }
        return builder.ToString();
    }
}
