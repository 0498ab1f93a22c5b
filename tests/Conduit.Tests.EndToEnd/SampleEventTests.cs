using System.Text;
using System.Text.Json;
using Conduit.Aws.Lambda;
using Conduit.Core.Chat;
using Conduit.Core.Ports;
using Conduit.Ingress;
using Conduit.Local.StepFunctions;
using Conduit.Tests.EndToEnd.Support;
using Conduit.Tests.Support;
using Conduit.Workers;

namespace Conduit.Tests.EndToEnd;

/// <summary>The realistic events in events/ (the shapes API Gateway and SQS send) run through the real handlers.</summary>
public sealed class SampleEventTests : IAsyncLifetime
{
    private LocalStackHost _host = null!;

    /// <summary>The sample $connect comes from a page at https://chat.example.com, as a deployment would allow.</summary>
    public async Task InitializeAsync() =>
        _host = await LocalStackHost.StartAsync(
            options => options with { AllowedOrigins = new HashSet<string> { "https://chat.example.com" } });

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task SampleEvents_ThroughTheHandlers_ConnectSendDispatchAndDisconnect_TurnCompletesDespiteNoSocket()
    {
        var ingress = _host.Services.GetLambdaFunction(ConduitFunctions.Ingress);
        var dispatcher = _host.Services.GetLambdaFunction(ConduitFunctions.Dispatcher);

        var connected = await InvokeAsync(ingress.HandleAsync, "connect.json", await _host.TokenForAsync("sample-user"));
        Assert.Equal(200, connected.GetProperty("statusCode").GetInt32());
        Assert.Equal("conduit.v1", connected.GetProperty("headers").GetProperty("Sec-WebSocket-Protocol").GetString());
        Assert.NotNull(await _host.Services.GetRequiredService<IConnectionStore>().GetAsync("L0SM9cOFvHcCIhw=", CancellationToken.None));

        var sent = await InvokeAsync(ingress.HandleAsync, "send-message.json");
        using var ack = JsonDocument.Parse(sent.GetProperty("body").GetString()!);
        Assert.Equal("ack", ack.RootElement.GetProperty("type").GetString());
        Assert.Equal("7b1e2c9a-turn-1", ack.RootElement.GetProperty("requestId").GetString());

        var dispatched = await InvokeAsync(dispatcher.HandleAsync, "sqs-turns.json");
        Assert.Empty(dispatched.GetProperty("batchItemFailures").EnumerateArray());

        var execution = await _host.Services.GetRequiredService<StepFunctionsEmulator>().WaitForCompletionAsync(
            ExecutionNames.For(new TurnKey("sample-user", "7b1e2c9a-turn-1"), 1), CancellationToken.None);
        Assert.Equal(ExecutionStatus.Succeeded, execution.Status);
        Assert.Null(await _host.Services.GetRequiredService<IConnectionStore>().GetAsync("L0SM9cOFvHcCIhw=", CancellationToken.None));

        var disconnected = await InvokeAsync(ingress.HandleAsync, "disconnect.json");
        Assert.Equal(200, disconnected.GetProperty("statusCode").GetInt32());
    }

    [Fact]
    public async Task WorkflowStateSample_ThroughBuildPrompt_SavesTheQuestionAndChoosesTheWindow()
    {
        var sessions = _host.Services.GetRequiredService<ISessionStore>();
        var turns = _host.Services.GetRequiredService<ITurnStore>();
        await sessions.CreateAsync("2790701592224c56b7b1122c38d12260", "sample-user", CancellationToken.None);
        var now = DateTimeOffset.UtcNow;
        await turns.CreateAsync(
            new TurnRecord(
                "7b1e2c9a-turn-1", "2790701592224c56b7b1122c38d12260", "L0SM9cOFvHcCIhw=", "What does the Dispatcher do?",
                TurnStatus.Dispatched, now, now, null) { UserId = "sample-user" },
            CancellationToken.None);

        var state = await InvokeAsync(_host.Services.GetLambdaFunction(ConduitFunctions.BuildPrompt).HandleAsync, "workflow-state.json");

        Assert.Equal(1, state.GetProperty("prompt").GetProperty("lastIndex").GetInt64());
        Assert.Equal("7b1e2c9a-turn-1", state.GetProperty("turn").GetProperty("requestId").GetString());
        var history = await _host.Services.GetRequiredService<IHistoryStore>().ReadLatestAsync(
            "2790701592224c56b7b1122c38d12260", long.MaxValue, 5, CancellationToken.None);
        Assert.Equal("What does the Dispatcher do?", Assert.Single(history).Text);
        var turn = await turns.GetAsync(new TurnKey("sample-user", "7b1e2c9a-turn-1"), CancellationToken.None);
        Assert.Equal(TurnStatus.Running, turn!.Status);
    }

    [Fact]
    public async Task SqsSample_ForAnUnknownTurn_IsReportedAsABatchItemFailure()
    {
        var dispatcher = _host.Services.GetLambdaFunction(ConduitFunctions.Dispatcher);

        var response = await InvokeAsync(dispatcher.HandleAsync, "sqs-turns.json");

        var failure = Assert.Single(response.GetProperty("batchItemFailures").EnumerateArray());
        Assert.Equal("2e1424d4-f796-459a-8184-9c92662be6da", failure.GetProperty("itemIdentifier").GetString());
    }

    /// <summary>A sample that carries a token has a placeholder for it: a real one cannot be committed, it expires.</summary>
    private static async Task<JsonElement> InvokeAsync(
        Func<Stream, CancellationToken, Task<Stream>> handler, string sample, string? token = null)
    {
        var json = await File.ReadAllTextAsync(RepositoryFiles.File("events", sample));
        if (token is not null) json = json.Replace("REPLACE_WITH_TOKEN", token, StringComparison.Ordinal);
        await using var input = new MemoryStream(Encoding.UTF8.GetBytes(json));
        await using var output = await handler(input, CancellationToken.None);
        using var document = await JsonDocument.ParseAsync(output);
        return document.RootElement.Clone();
    }
}
