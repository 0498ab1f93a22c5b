using Conduit.Local.Sqlite;

namespace Conduit.Local.Storage;

/// <summary>
/// The chat tables: the same entities and keys as the DynamoDB design, in SQLite. <c>user_version</c> records the
/// schema version, so a data folder from an earlier version is brought up to date instead of failing.
/// </summary>
public static class ChatSchema
{
    public static void Create(SqliteDatabase database)
    {
        var version = database.RunAsync(c => c.QuerySingle("PRAGMA user_version", r => r.GetInt64(0))).GetAwaiter().GetResult();
        if (version < 1) CreateVersion1(database);
        if (version < 2) database.Execute("""
            ALTER TABLE sessions ADD COLUMN active_turn TEXT;
            ALTER TABLE sessions ADD COLUMN active_turn_until INTEGER;
            ALTER TABLE turns ADD COLUMN cancel_requested INTEGER NOT NULL DEFAULT 0;
            ALTER TABLE messages ADD COLUMN status TEXT NOT NULL DEFAULT 'complete';
            CREATE INDEX IF NOT EXISTS turns_by_session ON turns (session_id, created_at, request_id);
            CREATE TABLE IF NOT EXISTS subscriptions (
                session_id TEXT NOT NULL, connection_id TEXT NOT NULL, delivered_seq INTEGER NOT NULL,
                lease_owner TEXT, lease_until INTEGER, expires_at INTEGER NOT NULL, PRIMARY KEY (session_id, connection_id));
            CREATE INDEX IF NOT EXISTS subscriptions_by_connection ON subscriptions (connection_id);
            PRAGMA user_version = 2;
            """);
        // With the version bump in the same transaction, an upgrade that fails halfway leaves version 2 to redo.
        if (version < 3) database.Execute("""
            BEGIN;
            ALTER TABLE connections ADD COLUMN user_id TEXT;
            CREATE INDEX IF NOT EXISTS connections_by_user ON connections (user_id, expires_at);
            ALTER TABLE sessions ADD COLUMN owner_id TEXT;
            ALTER TABLE turns ADD COLUMN user_id TEXT;
            CREATE INDEX IF NOT EXISTS turns_by_user ON turns (user_id, status);
            CREATE TABLE IF NOT EXISTS rate_limits (key TEXT PRIMARY KEY, tokens REAL NOT NULL, updated_at INTEGER NOT NULL);
            PRAGMA user_version = 3;
            COMMIT;
            """);
        // requestIds are unique per user, so the key becomes (user_id, request_id); SQLite cannot change a primary key
        // in place, so the table is copied. A turn saved before turns had users keeps an empty user id.
        if (version < 4) database.Execute("""
            BEGIN;
            CREATE TABLE turns_by_user_key (
                user_id TEXT NOT NULL, request_id TEXT NOT NULL, session_id TEXT NOT NULL, connection_id TEXT NOT NULL,
                text TEXT NOT NULL, status TEXT NOT NULL, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL, error_code TEXT,
                cancel_requested INTEGER NOT NULL DEFAULT 0, attempt INTEGER NOT NULL DEFAULT 1, PRIMARY KEY (user_id, request_id));
            INSERT INTO turns_by_user_key (user_id, request_id, session_id, connection_id, text, status, created_at, updated_at,
                error_code, cancel_requested)
            SELECT COALESCE(user_id, ''), request_id, session_id, connection_id, text, status, created_at, updated_at,
                error_code, cancel_requested FROM turns;
            DROP TABLE turns;
            ALTER TABLE turns_by_user_key RENAME TO turns;
            CREATE INDEX turns_by_session ON turns (session_id, created_at, request_id);
            CREATE INDEX turns_by_user ON turns (user_id, status);
            PRAGMA user_version = 4;
            COMMIT;
            """);
        if (version < 5) database.Execute("""
            BEGIN;
            ALTER TABLE sessions ADD COLUMN signal INTEGER NOT NULL DEFAULT 0;
            ALTER TABLE turns ADD COLUMN run_id TEXT;
            PRAGMA user_version = 5;
            COMMIT;
            """);
    }

    private static void CreateVersion1(SqliteDatabase database) => database.Execute("""
        CREATE TABLE IF NOT EXISTS connections (
            connection_id TEXT PRIMARY KEY, connected_at INTEGER NOT NULL, source_ip TEXT, user_agent TEXT, expires_at INTEGER NOT NULL);
        CREATE TABLE IF NOT EXISTS sessions (
            session_id TEXT PRIMARY KEY, created_at INTEGER NOT NULL, expires_at INTEGER NOT NULL,
            last_seq INTEGER NOT NULL DEFAULT 0, last_index INTEGER NOT NULL DEFAULT 0);
        CREATE TABLE IF NOT EXISTS turns (
            request_id TEXT PRIMARY KEY, session_id TEXT NOT NULL, connection_id TEXT NOT NULL, text TEXT NOT NULL,
            status TEXT NOT NULL, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL, error_code TEXT);
        CREATE TABLE IF NOT EXISTS messages (
            session_id TEXT NOT NULL, idx INTEGER NOT NULL, request_id TEXT NOT NULL, role TEXT NOT NULL, text TEXT NOT NULL,
            created_at INTEGER NOT NULL, PRIMARY KEY (session_id, idx), UNIQUE (session_id, request_id, role));
        CREATE TABLE IF NOT EXISTS frames (
            session_id TEXT NOT NULL, seq INTEGER NOT NULL, request_id TEXT NOT NULL, json TEXT NOT NULL,
            created_at INTEGER NOT NULL, PRIMARY KEY (session_id, seq));
        PRAGMA user_version = 1;
        """);
}
