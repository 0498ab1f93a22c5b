using Conduit.Local.Sqlite;
using Conduit.Local.StepFunctions;
using Conduit.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;

namespace Conduit.Tests.StepFunctions;

/// <summary>An emulator over an in-memory (or given) SQLite database, with a virtual clock.</summary>
internal sealed class EmulatorHarness : IAsyncDisposable
{
    public const string StateMachineArn = "arn:aws:states:local:000000000000:stateMachine:test-machine";
    public const string ExecutionArnPrefix = "arn:aws:states:local:000000000000:execution:test-machine:";
    public const string Resource = LambdaInvokeTaskInvoker.Resource;

    private readonly bool _ownsDatabase;

    private EmulatorHarness(StepFunctionsEmulator emulator, SqliteDatabase database, bool ownsDatabase, DelayRecordingTimeProvider time)
    {
        Emulator = emulator;
        Database = database;
        Time = time;
        _ownsDatabase = ownsDatabase;
    }

    public StepFunctionsEmulator Emulator { get; }

    public SqliteDatabase Database { get; }

    public DelayRecordingTimeProvider Time { get; }

    public static EmulatorHarness Create(
        string aslJson,
        ITaskInvoker? invoker = null,
        DelayRecordingTimeProvider? time = null,
        SqliteDatabase? database = null,
        IReadOnlyDictionary<string, string>? substitutions = null,
        IExecutionStore? store = null)
    {
        var machine = StateMachine.Load(aslJson, substitutions ?? new Dictionary<string, string>(), new HashSet<string> { Resource });
        var clock = time ?? new DelayRecordingTimeProvider(autoAdvance: true);
        var db = database ?? SqliteDatabase.OpenInMemory();
        var emulator = new StepFunctionsEmulator(
            machine, StateMachineArn, invoker
                ?? ScriptedTaskInvoker.Echo(), store ?? new SqliteExecutionStore(db), clock, NullLogger<StepFunctionsEmulator>.Instance);
        return new EmulatorHarness(emulator, db, ownsDatabase: database is null, clock);
    }

    /// <summary>Starts an execution and waits for it to close.</summary>
    public async Task<ExecutionDescription> RunAsync(string input = "{}", string name = "execution-1")
    {
        await Emulator.StartExecutionAsync(name, input);
        return await Emulator.WaitForCompletionAsync(name);
    }

    public async Task<IReadOnlyList<string>> EventTypesAsync(string name = "execution-1") =>
        [.. (await Emulator.GetExecutionHistoryAsync(name)).Select(historyEvent => historyEvent.Type)];

    public async ValueTask DisposeAsync()
    {
        await Emulator.DisposeAsync();
        if (_ownsDatabase) await Database.DisposeAsync();
    }
}
