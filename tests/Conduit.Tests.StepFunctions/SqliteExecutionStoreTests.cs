using System.Text.Json.Nodes;
using Conduit.Local.Sqlite;
using Conduit.Local.StepFunctions;
using Conduit.Tests.Support;

namespace Conduit.Tests.StepFunctions;

public sealed class SqliteExecutionStoreTests
{
    private const string ExecutionArn = "arn:aws:states:local:000000000000:execution:test-machine:old";

    [Fact]
    public async Task Constructor_DatabaseFromBeforeRedrives_AddsRedriveColumnsAndKeepsExecutions()
    {
        await using var database = SqliteDatabase.OpenInMemory();
        database.Execute($$"""
            CREATE TABLE sfn_executions (
                execution_arn TEXT PRIMARY KEY, state_machine_arn TEXT NOT NULL, name TEXT NOT NULL, status TEXT NOT NULL,
                start_date TEXT NOT NULL, stop_date TEXT, input TEXT NOT NULL, output TEXT, error TEXT, cause TEXT);
            INSERT INTO sfn_executions (execution_arn, state_machine_arn, name, status, start_date, input)
            VALUES ('{{ExecutionArn}}', '{{EmulatorHarness.StateMachineArn}}', 'old', 'RUNNING', '2025-01-15T09:30:00.0000000Z', '{}');
            """);

        var store = new SqliteExecutionStore(database);
        var before = await store.GetExecutionAsync(ExecutionArn, CancellationToken.None);
        var redriveDate = DelayRecordingTimeProvider.Start.AddMinutes(1);
        await store.RedriveExecutionAsync(
            before! with { RedriveCount = 1, RedriveDate = redriveDate },
            new HistoryEvent(1, 0, redriveDate, HistoryEventTypes.ExecutionRedriven, new JsonObject { ["redriveCount"] = 1 }),
            CancellationToken.None);
        var after = await new SqliteExecutionStore(database).GetExecutionAsync(ExecutionArn, CancellationToken.None);

        Assert.Equal(
            new ExecutionDescription(
                ExecutionArn, EmulatorHarness.StateMachineArn, "old", ExecutionStatus.Running, DelayRecordingTimeProvider.Start, null, "{}",
                null, null, null),
            before);
        Assert.Equal(1, after?.RedriveCount);
        Assert.Equal(redriveDate, after?.RedriveDate);
    }

    [Fact]
    public async Task RedriveExecution_ClosedExecution_ThrowsAndStoresNothing()
    {
        await using var database = SqliteDatabase.OpenInMemory();
        var store = new SqliteExecutionStore(database);
        var running = new ExecutionDescription(
            ExecutionArn, EmulatorHarness.StateMachineArn, "old", ExecutionStatus.Running, DelayRecordingTimeProvider.Start, null, "{}",
            null, null, null);
        await store.TryCreateExecutionAsync(running, Event(1, HistoryEventTypes.ExecutionStarted), CancellationToken.None);
        var succeeded = running with { Status = ExecutionStatus.Succeeded, StopDate = DelayRecordingTimeProvider.Start, Output = "{}" };
        await store.CloseExecutionAsync(succeeded, [Event(2, HistoryEventTypes.ExecutionSucceeded)], CancellationToken.None);

        await Assert.ThrowsAsync<InvalidOperationException>(() => store.RedriveExecutionAsync(
            succeeded with { RedriveCount = 1 }, Event(3, HistoryEventTypes.ExecutionRedriven), CancellationToken.None));

        Assert.Equal(succeeded, await store.GetExecutionAsync(ExecutionArn, CancellationToken.None));
        Assert.Equal(2, (await store.GetHistoryAsync(ExecutionArn, CancellationToken.None)).Count);
    }

    private static HistoryEvent Event(long id, string type) => new(id, id - 1, DelayRecordingTimeProvider.Start, type, new JsonObject());
}
