using System.Globalization;
using System.Text.Json.Nodes;
using Conduit.Local.Sqlite;
using Microsoft.Data.Sqlite;

namespace Conduit.Local.StepFunctions;

/// <summary>Executions and their history in the local host's SQLite database.</summary>
public sealed class SqliteExecutionStore : IExecutionStore
{
    private const string Schema = """
        CREATE TABLE IF NOT EXISTS sfn_executions (
            execution_arn     TEXT PRIMARY KEY,
            state_machine_arn TEXT NOT NULL,
            name              TEXT NOT NULL,
            status            TEXT NOT NULL,
            start_date        TEXT NOT NULL,
            stop_date         TEXT,
            input             TEXT NOT NULL,
            output            TEXT,
            error             TEXT,
            cause             TEXT,
            redrive_count     INTEGER NOT NULL DEFAULT 0,
            redrive_date      TEXT
        );
        CREATE INDEX IF NOT EXISTS sfn_executions_by_state_machine ON sfn_executions (state_machine_arn, start_date);
        CREATE TABLE IF NOT EXISTS sfn_history_events (
            execution_arn     TEXT NOT NULL REFERENCES sfn_executions (execution_arn),
            id                INTEGER NOT NULL,
            previous_event_id INTEGER NOT NULL,
            timestamp         TEXT NOT NULL,
            type              TEXT NOT NULL,
            details           TEXT NOT NULL,
            PRIMARY KEY (execution_arn, id)
        ) WITHOUT ROWID;
        """;

    private const string ExecutionColumns =
        "execution_arn, state_machine_arn, name, status, start_date, stop_date, input, output, error, cause, redrive_count, redrive_date";

    // Fixed-width UTC text sorts chronologically and keeps the full precision of the TimeProvider's clock.
    private const string DateFormat = "yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'";

    private readonly SqliteDatabase _database;

    public SqliteExecutionStore(SqliteDatabase database)
    {
        _database = database;
        database.Execute(Schema);
        AddRedriveColumnsIfMissing(database);
    }

    public Task<bool> TryCreateExecutionAsync(
        ExecutionDescription execution, HistoryEvent startedEvent, CancellationToken cancellationToken) =>
        _database.InTransactionAsync((connection, transaction) =>
        {
            using var insert = connection.CreateCommand();
            insert.Transaction = transaction;
            insert.CommandText = $"""
                INSERT INTO sfn_executions ({ExecutionColumns})
                VALUES ($arn, $stateMachineArn, $name, $status, $startDate, $stopDate, $input, $output, $error, $cause,
                        $redriveCount, $redriveDate)
                ON CONFLICT (execution_arn) DO NOTHING
                """;
            BindExecution(insert, execution);
            if (insert.ExecuteNonQuery() == 0) return false;

            InsertEvent(connection, transaction, execution.ExecutionArn, startedEvent);
            return true;
        }, cancellationToken);

    public Task AppendEventsAsync(string executionArn, IReadOnlyList<HistoryEvent> events, CancellationToken cancellationToken) =>
        _database.InTransactionAsync((connection, transaction) =>
        {
            InsertEvents(connection, transaction, executionArn, events);
            return true;
        }, cancellationToken);

    public Task CloseExecutionAsync(
        ExecutionDescription closed, IReadOnlyList<HistoryEvent> closingEvents, CancellationToken cancellationToken) =>
        UpdateRunningExecutionAsync(
            closed,
            "status = $status, stop_date = $stopDate, output = $output, error = $error, cause = $cause",
            closingEvents,
            "closed",
            cancellationToken);

    public Task RedriveExecutionAsync(ExecutionDescription redriven, HistoryEvent redrivenEvent, CancellationToken cancellationToken) =>
        UpdateRunningExecutionAsync(
            redriven with { Status = ExecutionStatus.Running, StopDate = null, Output = null, Error = null, Cause = null },
            "status = $status, stop_date = $stopDate, output = $output, error = $error, cause = $cause, "
            + "redrive_count = $redriveCount, redrive_date = $redriveDate",
            [redrivenEvent],
            "redriven",
            cancellationToken,
            fromStatuses: "'RUNNING', 'FAILED', 'TIMED_OUT', 'ABORTED'");

    public Task<ExecutionDescription?> GetExecutionAsync(string executionArn, CancellationToken cancellationToken) =>
        _database.RunAsync(connection =>
        {
            using var select = connection.CreateCommand();
            select.CommandText = $"SELECT {ExecutionColumns} FROM sfn_executions WHERE execution_arn = $arn";
            select.Parameters.AddWithValue("$arn", executionArn);
            using var reader = select.ExecuteReader();
            return reader.Read() ? ReadExecution(reader) : null;
        }, cancellationToken);

    public Task<IReadOnlyList<ExecutionDescription>> ListExecutionsAsync(
        string stateMachineArn, ExecutionStatus? status, int maxResults, CancellationToken cancellationToken) =>
        _database.RunAsync<IReadOnlyList<ExecutionDescription>>(connection =>
        {
            using var select = connection.CreateCommand();
            select.CommandText = $"""
                SELECT {ExecutionColumns} FROM sfn_executions
                WHERE state_machine_arn = $stateMachineArn AND ($status IS NULL OR status = $status)
                ORDER BY start_date DESC, rowid DESC
                LIMIT $maxResults
                """;
            select.Parameters.AddWithValue("$stateMachineArn", stateMachineArn);
            select.Parameters.AddWithValue("$status", OrNull(status?.ToApiName()));
            select.Parameters.AddWithValue("$maxResults", maxResults);
            using var reader = select.ExecuteReader();
            var executions = new List<ExecutionDescription>();
            while (reader.Read()) executions.Add(ReadExecution(reader));
            return executions;
        }, cancellationToken);

    public Task<IReadOnlyList<HistoryEvent>> GetHistoryAsync(string executionArn, CancellationToken cancellationToken) =>
        _database.RunAsync<IReadOnlyList<HistoryEvent>>(connection =>
        {
            using var select = connection.CreateCommand();
            select.CommandText = """
                SELECT id, previous_event_id, timestamp, type, details FROM sfn_history_events
                WHERE execution_arn = $arn
                ORDER BY id
                """;
            select.Parameters.AddWithValue("$arn", executionArn);
            using var reader = select.ExecuteReader();
            var events = new List<HistoryEvent>();
            while (reader.Read())
            {
                events.Add(new HistoryEvent(
                    reader.GetInt64(0),
                    reader.GetInt64(1),
                    ParseDate(reader.GetString(2)),
                    reader.GetString(3),
                    JsonNode.Parse(reader.GetString(4))!.AsObject()));
            }

            return events;
        }, cancellationToken);

    private static void BindExecution(SqliteCommand command, ExecutionDescription execution)
    {
        command.Parameters.AddWithValue("$arn", execution.ExecutionArn);
        command.Parameters.AddWithValue("$stateMachineArn", execution.StateMachineArn);
        command.Parameters.AddWithValue("$name", execution.Name);
        command.Parameters.AddWithValue("$status", execution.Status.ToApiName());
        command.Parameters.AddWithValue("$startDate", FormatDate(execution.StartDate));
        command.Parameters.AddWithValue("$stopDate", OrNull(execution.StopDate is { } stopDate ? FormatDate(stopDate) : null));
        command.Parameters.AddWithValue("$input", execution.Input);
        command.Parameters.AddWithValue("$output", OrNull(execution.Output));
        command.Parameters.AddWithValue("$error", OrNull(execution.Error));
        command.Parameters.AddWithValue("$cause", OrNull(execution.Cause));
        command.Parameters.AddWithValue("$redriveCount", execution.RedriveCount);
        command.Parameters.AddWithValue("$redriveDate", OrNull(execution.RedriveDate is { } redriveDate ? FormatDate(redriveDate) : null));
    }

    /// <summary>
    /// Databases created before executions could be redriven lack the redrive columns. The columns themselves mark the
    /// schema's age: <c>user_version</c> belongs to the chat tables that share the database.
    /// </summary>
    private static void AddRedriveColumnsIfMissing(SqliteDatabase database) =>
        database.RunAsync(connection =>
        {
            using var probe = connection.CreateCommand();
            probe.CommandText = "SELECT COUNT(*) FROM pragma_table_info('sfn_executions') WHERE name = 'redrive_count'";
            if (Convert.ToInt64(probe.ExecuteScalar(), CultureInfo.InvariantCulture) > 0) return;

            using var alter = connection.CreateCommand();
            alter.CommandText = """
                ALTER TABLE sfn_executions ADD COLUMN redrive_count INTEGER NOT NULL DEFAULT 0;
                ALTER TABLE sfn_executions ADD COLUMN redrive_date TEXT;
                """;
            alter.ExecuteNonQuery();
        }).GetAwaiter().GetResult();

    private Task UpdateRunningExecutionAsync(
        ExecutionDescription execution,
        string assignments,
        IReadOnlyList<HistoryEvent> events,
        string action,
        CancellationToken cancellationToken,
        string fromStatuses = "'RUNNING'") =>
        _database.InTransactionAsync((connection, transaction) =>
        {
            using var update = connection.CreateCommand();
            update.Transaction = transaction;
            update.CommandText = $"UPDATE sfn_executions SET {assignments} WHERE execution_arn = $arn AND status IN ({fromStatuses})";
            BindExecution(update, execution);
            if (update.ExecuteNonQuery() == 0)
            {
                throw new InvalidOperationException(
                    $"Execution {execution.ExecutionArn} is not in a state from which it can be {action}.");
            }

            InsertEvents(connection, transaction, execution.ExecutionArn, events);
            return true;
        }, cancellationToken);

    private static void InsertEvents(
        SqliteConnection connection, SqliteTransaction transaction, string executionArn, IEnumerable<HistoryEvent> events)
    {
        foreach (var historyEvent in events) InsertEvent(connection, transaction, executionArn, historyEvent);
    }

    private static void InsertEvent(
        SqliteConnection connection, SqliteTransaction transaction, string executionArn, HistoryEvent historyEvent)
    {
        using var insert = connection.CreateCommand();
        insert.Transaction = transaction;
        insert.CommandText = """
            INSERT INTO sfn_history_events (execution_arn, id, previous_event_id, timestamp, type, details)
            VALUES ($arn, $id, $previousEventId, $timestamp, $type, $details)
            """;
        insert.Parameters.AddWithValue("$arn", executionArn);
        insert.Parameters.AddWithValue("$id", historyEvent.Id);
        insert.Parameters.AddWithValue("$previousEventId", historyEvent.PreviousEventId);
        insert.Parameters.AddWithValue("$timestamp", FormatDate(historyEvent.Timestamp));
        insert.Parameters.AddWithValue("$type", historyEvent.Type);
        insert.Parameters.AddWithValue("$details", AslJson.Serialize(historyEvent.Details));
        insert.ExecuteNonQuery();
    }

    private static ExecutionDescription ReadExecution(SqliteDataReader reader) => new(
        ExecutionArn: reader.GetString(0),
        StateMachineArn: reader.GetString(1),
        Name: reader.GetString(2),
        Status: ExecutionStatusNames.Parse(reader.GetString(3)),
        StartDate: ParseDate(reader.GetString(4)),
        StopDate: reader.GetNullableString(5) is { } stopDate ? ParseDate(stopDate) : null,
        Input: reader.GetString(6),
        Output: reader.GetNullableString(7),
        Error: reader.GetNullableString(8),
        Cause: reader.GetNullableString(9),
        RedriveCount: reader.GetInt32(10),
        RedriveDate: reader.GetNullableString(11) is { } redriveDate ? ParseDate(redriveDate) : null);

    private static object OrNull(string? value) => (object?)value ?? DBNull.Value;

    private static string FormatDate(DateTimeOffset value) => value.UtcDateTime.ToString(DateFormat, CultureInfo.InvariantCulture);

    private static DateTimeOffset ParseDate(string text) =>
        DateTimeOffset.ParseExact(text, DateFormat, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
}
