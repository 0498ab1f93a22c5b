namespace Conduit.Core.Ports;

/// <summary>
/// A user's sessions as a list of conversations: listed newest first, renamed, deleted. Ownership is checked by the
/// caller (<see cref="Chat.SessionCatalog"/>) against <see cref="ISessionStore.GetAsync"/>; the directory only stores.
/// </summary>
public interface ISessionDirectory
{
    /// <summary>
    /// The owner's sessions, newest (latest <c>createdAt</c>) first, after <paramref name="after"/> when given: at most
    /// <paramref name="limit"/>, and the cursor of the last one when more may follow.
    /// </summary>
    Task<SessionSummaryPage> ListAsync(string ownerId, SessionCursor? after, int limit, CancellationToken cancellationToken);

    /// <summary>Sets the session's title; false when the session does not exist.</summary>
    Task<bool> RenameAsync(string sessionId, string title, CancellationToken cancellationToken);

    /// <summary>Deletes the session with its history, its frames, its turns and its subscriptions; nothing when it is gone.</summary>
    Task DeleteAsync(string sessionId, CancellationToken cancellationToken);
}
