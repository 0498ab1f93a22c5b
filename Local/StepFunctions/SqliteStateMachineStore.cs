using System.Globalization;
using Conduit.Local.Sqlite;
using Microsoft.Data.Sqlite;

namespace Conduit.Local.StepFunctions;

/// <summary>The state machines users created through the API, in the host's SQLite database beside their executions.</summary>
public sealed class SqliteStateMachineStore
{
    private const string Schema = """
        CREATE TABLE IF NOT EXISTS sfn_state_machines (
            state_machine_arn TEXT PRIMARY KEY,
            name              TEXT NOT NULL,
            definition        TEXT NOT NULL,
            role_arn          TEXT NOT NULL,
            type              TEXT NOT NULL,
            creation_date     TEXT NOT NULL
        );
        """;

    private const string Columns = "state_machine_arn, name, definition, role_arn, type, creation_date";
    private const string DateFormat = "yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'";

    private readonly SqliteDatabase _database;

    public SqliteStateMachineStore(SqliteDatabase database)
    {
        _database = database;
        database.Execute(Schema);
    }

    /// <summary>Stores a new state machine; false, storing nothing, when its ARN is taken.</summary>
    public Task<bool> TryCreateAsync(StateMachineDescription machine, CancellationToken cancellationToken) =>
        _database.RunAsync(connection =>
        {
            using var insert = connection.CreateCommand();
            insert.CommandText = $"""
                INSERT INTO sfn_state_machines ({Columns}) VALUES ($arn, $name, $definition, $roleArn, $type, $creationDate)
                ON CONFLICT (state_machine_arn) DO NOTHING
                """;
            Bind(insert, machine);
            return insert.ExecuteNonQuery() == 1;
        }, cancellationToken);

    public Task UpdateAsync(StateMachineDescription machine, CancellationToken cancellationToken) =>
        _database.RunAsync(connection =>
        {
            using var update = connection.CreateCommand();
            update.CommandText = "UPDATE sfn_state_machines SET definition = $definition, role_arn = $roleArn "
                + "WHERE state_machine_arn = $arn";
            Bind(update, machine);
            update.ExecuteNonQuery();
        }, cancellationToken);

    public Task DeleteAsync(string stateMachineArn, CancellationToken cancellationToken) =>
        _database.RunAsync(connection =>
        {
            using var delete = connection.CreateCommand();
            delete.CommandText = "DELETE FROM sfn_state_machines WHERE state_machine_arn = $arn";
            delete.Parameters.AddWithValue("$arn", stateMachineArn);
            delete.ExecuteNonQuery();
        }, cancellationToken);

    /// <summary>Every stored state machine, oldest first.</summary>
    public Task<IReadOnlyList<StateMachineDescription>> ListAsync(CancellationToken cancellationToken) =>
        _database.RunAsync<IReadOnlyList<StateMachineDescription>>(connection =>
        {
            using var select = connection.CreateCommand();
            select.CommandText = $"SELECT {Columns} FROM sfn_state_machines ORDER BY creation_date, rowid";
            using var reader = select.ExecuteReader();
            var machines = new List<StateMachineDescription>();
            while (reader.Read())
            {
                machines.Add(new StateMachineDescription(
                    reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4),
                    DateTimeOffset.ParseExact(
                        reader.GetString(5), DateFormat, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal)));
            }
            return machines;
        }, cancellationToken);

    private static void Bind(SqliteCommand command, StateMachineDescription machine)
    {
        command.Parameters.AddWithValue("$arn", machine.StateMachineArn);
        command.Parameters.AddWithValue("$name", machine.Name);
        command.Parameters.AddWithValue("$definition", machine.Definition);
        command.Parameters.AddWithValue("$roleArn", machine.RoleArn);
        command.Parameters.AddWithValue("$type", machine.Type);
        command.Parameters.AddWithValue(
            "$creationDate", machine.CreationDate.UtcDateTime.ToString(DateFormat, CultureInfo.InvariantCulture));
    }
}
