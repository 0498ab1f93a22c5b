using Conduit.Core.Ports;
using Conduit.Local.Sqlite;

namespace Conduit.Local.Storage;

/// <summary>
/// The conversation list in SQLite. Titles live in a table of their own, created here, so the list adds to the chat
/// schema without a schema version of its own; the owner index makes a page one range scan.
/// </summary>
public sealed class SqliteSessionDirectory : ISessionDirectory
{
    private const int QuestionPrefixCharacters = 400;

    private readonly SqliteDatabase _database;
    private readonly TimeProvider _time;

    public SqliteSessionDirectory(SqliteDatabase database, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(database);
        _database = database;
        _time = time;
        database.Execute("""
            CREATE TABLE IF NOT EXISTS session_titles (session_id TEXT PRIMARY KEY, title TEXT NOT NULL);
            CREATE INDEX IF NOT EXISTS sessions_by_owner ON sessions (owner_id, created_at, session_id);
            """);
    }

    public Task<SessionSummaryPage> ListAsync(string ownerId, SessionCursor? after, int limit, CancellationToken cancellationToken) =>
        _database.RunAsync(c =>
        {
            var rows = c.Query(
                $"""
                SELECT s.session_id, s.created_at, COALESCE(t.title,
                    (SELECT substr(m.text, 1, {QuestionPrefixCharacters}) FROM messages m
                     WHERE m.session_id = s.session_id AND m.role = 'user' ORDER BY m.idx LIMIT 1), '')
                FROM sessions s LEFT JOIN session_titles t ON t.session_id = s.session_id
                WHERE s.owner_id = $owner AND s.expires_at > $now
                  AND ($afterAt IS NULL OR s.created_at < $afterAt OR (s.created_at = $afterAt AND s.session_id < $afterId))
                ORDER BY s.created_at DESC, s.session_id DESC
                LIMIT $take
                """,
                r => new SessionSummary(r.GetString(0), r.GetString(2), r.GetTimestamp(1)),
                ("$owner", ownerId), ("$now", _time.GetUtcNow().ToUnixTimeMilliseconds()),
                ("$afterAt", after?.CreatedAtMilliseconds), ("$afterId", after?.SessionId), ("$take", limit + 1));
            return rows.Count > limit
                ? new SessionSummaryPage(rows[..limit], SessionCursor.After(rows[limit - 1]))
                : new SessionSummaryPage(rows, null);
        }, cancellationToken);

    public Task<bool> RenameAsync(string sessionId, string title, CancellationToken cancellationToken) =>
        _database.RunAsync(c => c.Execute(
            """
            INSERT INTO session_titles (session_id, title) SELECT session_id, $title FROM sessions WHERE session_id = $id
            ON CONFLICT (session_id) DO UPDATE SET title = excluded.title
            """,
            ("$id", sessionId), ("$title", title)) == 1, cancellationToken);

    public Task DeleteAsync(string sessionId, CancellationToken cancellationToken) =>
        _database.InTransactionAsync((c, _) =>
        {
            foreach (var table in (string[])["messages", "frames", "turns", "subscriptions", "session_titles", "sessions"])
                c.Execute($"DELETE FROM {table} WHERE session_id = $id", ("$id", sessionId));
            return true;
        }, cancellationToken);
}
