using System.Text.Json.Nodes;
using Conduit.Local.Edge;
using Conduit.Local.Sqlite;
using Conduit.Local.StepFunctions;
using Conduit.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;

namespace Conduit.Tests.StepFunctions;

/// <summary>
/// The Step Functions JSON API over a registry whose built-in machine stands in for chat-turn, on a SQLite database
/// the test may keep to open a second registry over it, as a restarted host does.
/// </summary>
internal sealed class ApiHarness : IAsyncDisposable
{
    public const string BuiltInArn = "arn:aws:states:local:000000000000:stateMachine:built-in";
    public const string RoleArn = "arn:aws:iam::000000000000:role/any";

    public const string PassDefinition = """{"StartAt":"P","States":{"P":{"Type":"Pass","Result":{"ok":true},"End":true}}}""";

    private readonly StepFunctionsEmulator _builtIn;
    private readonly bool _ownsDatabase;

    private ApiHarness(StateMachineRegistry registry, StepFunctionsEmulator builtIn, SqliteDatabase database, bool ownsDatabase)
    {
        Registry = registry;
        Api = new StepFunctionsJsonApi(registry, builtIn.TaskTokens);
        Database = database;
        _builtIn = builtIn;
        _ownsDatabase = ownsDatabase;
    }

    public StateMachineRegistry Registry { get; }

    public StepFunctionsJsonApi Api { get; }

    public SqliteDatabase Database { get; }

    public static ApiHarness Create(ITaskInvoker? invoker = null, SqliteDatabase? database = null)
    {
        var db = database ?? SqliteDatabase.OpenInMemory();
        var resources = new HashSet<string>(StringComparer.Ordinal) { LambdaInvokeTaskInvoker.Resource };
        var store = new SqliteExecutionStore(db);
        var time = TimeProvider.System;
        var taskInvoker = invoker ?? ScriptedTaskInvoker.Echo();
        var taskTokens = new TaskTokenRegistry();
        StepFunctionsEmulator EmulatorFor(StateMachine machine, string arn) =>
            new(machine, arn, taskInvoker, store, time, NullLogger<StepFunctionsEmulator>.Instance, taskTokens);
        var builtIn = EmulatorFor(StateMachine.Load(PassDefinition, new Dictionary<string, string>(), resources), BuiltInArn);
        var registry = new StateMachineRegistry(
            (new StateMachineDescription(BuiltInArn, "built-in", PassDefinition, RoleArn, "STANDARD", DateTimeOffset.UnixEpoch), builtIn),
            new SqliteStateMachineStore(db),
            resources,
            (description, machine) => EmulatorFor(machine, description.StateMachineArn),
            time,
            NullLogger<StateMachineRegistry>.Instance);
        return new ApiHarness(registry, builtIn, db, ownsDatabase: database is null);
    }

    public Task<JsonObject> CallAsync(string operation, string inputJson) =>
        Api.InvokeAsync(operation, JsonNode.Parse(inputJson)!.AsObject(), CancellationToken.None);

    /// <summary>The AWS error a call fails with.</summary>
    public async Task<AwsJsonException> FailureOfAsync(string operation, string inputJson) =>
        await Assert.ThrowsAsync<AwsJsonException>(() => CallAsync(operation, inputJson));

    public async Task<string> CreateAsync(string name, string definition = PassDefinition, string type = "STANDARD")
    {
        var created = await CallAsync("CreateStateMachine", new JsonObject
        {
            ["name"] = name, ["definition"] = definition, ["roleArn"] = RoleArn, ["type"] = type,
        }.ToJsonString());
        return created["stateMachineArn"]!.GetValue<string>();
    }

    public async ValueTask DisposeAsync()
    {
        await Registry.DisposeAsync();
        await _builtIn.DisposeAsync();
        if (_ownsDatabase) await Database.DisposeAsync();
    }
}
