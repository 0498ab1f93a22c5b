using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Conduit.Core.Chat;
using Conduit.Core.Contracts;
using Conduit.Core.Ports;
using Conduit.Local.Hosting;
using Conduit.Local.Queue;
using Conduit.Local.StepFunctions;
using Conduit.Tests.EndToEnd.Support;
using Microsoft.Extensions.AI;

namespace Conduit.Tests.EndToEnd;

public sealed class FailureTests(ProcessesModeHost processes) : IClassFixture<ProcessesModeHost>
{
    [Fact]
    public async Task ClientDisconnectsMidTurn_TurnStillCompletes_AnswerInHistoryAndFramesPersisted()
    {
        await using var host = await LocalStackHost.StartAsync(options => options with
        {
            Model = options.Model with { TokenDelay = TimeSpan.FromMilliseconds(15) },
        });
        var chat = await host.ConnectAsync();
        await chat.SendMessageAsync("leaver", "Tell me something");
        var sessionId = (await chat.AckAsync("leaver")).GetProperty("sessionId").GetString()!;
        while ((await chat.NextAsync()).GetProperty("type").GetString() != "token")
        {
        }

        await chat.DisposeAsync();
        var execution = await host.Services.GetRequiredService<StepFunctionsEmulator>().WaitForCompletionAsync(
            ExecutionNames.For(new TurnKey("alice", "leaver"), 1), CancellationToken.None);

        Assert.Equal(ExecutionStatus.Succeeded, execution.Status);
        var history = await host.Services.GetRequiredService<IHistoryStore>().ReadLatestAsync(
            sessionId, long.MaxValue, 10, CancellationToken.None);
        var answer = Assert.Single(history, m => m.Role == MessageRoles.Assistant);
        Assert.StartsWith("Offline model (not an LLM).", answer.Text);
        var frames = await host.Services.GetRequiredService<IFrameStore>().ReadAfterAsync(sessionId, 0, 1_000, CancellationToken.None);
        Assert.Equal(Enumerable.Range(1, frames.Count).Select(i => (long)i), frames.Select(f => f.Seq));
        Assert.Contains("\"type\":\"done\"", frames[^1].Json);
        var persistedText = string.Concat(frames
            .Select(f => JsonDocument.Parse(f.Json).RootElement)
            .Where(f => f.GetProperty("type").GetString() == "token")
            .Select(f => f.GetProperty("text").GetString()));
        Assert.Equal(answer.Text, persistedText);
    }

    [Theory]
    [MemberData(nameof(FunctionModes.Both), MemberType = typeof(FunctionModes))]
    public async Task ModelThrows_ErrorFrameWithRequestId_AndExecutionHistoryShowsTheFailedState(FunctionsMode mode)
    {
        void ThrowingModel(IServiceCollection services) => services.AddSingleton<IChatClient>(new ThrowingChatClient());
        await using var inProcess = mode == FunctionsMode.InProcess ? await LocalStackHost.StartAsync(overrides: ThrowingModel) : null;
        var host = inProcess ?? await processes.HostAsync(overrides: ThrowingModel);
        await using var chat = await host.ConnectAsync();

        await chat.SendMessageAsync("doomed", "Hello");
        await chat.AckAsync("doomed");
        var frames = await chat.ReadTurnAsync("doomed");

        var error = frames[^1];
        Assert.Equal("error", error.GetProperty("type").GetString());
        Assert.Equal("doomed", error.GetProperty("requestId").GetString());
        Assert.Equal("turn_failed", error.GetProperty("code").GetString());
        Assert.Contains("doomed", error.GetProperty("message").GetString());
        Assert.Equal(frames.Count, error.GetProperty("seq").GetInt64());
        var turn = await host.Services.GetRequiredService<ITurnStore>().GetAsync(new TurnKey("alice", "doomed"), CancellationToken.None);
        Assert.Equal(TurnStatus.Failed, turn!.Status);

        using var http = await host.CreateHttpClientForAsync("alice");
        var name = ExecutionNames.For(new TurnKey("alice", "doomed"), 1);
        var execution = await host.Services.GetRequiredService<StepFunctionsEmulator>()
            .WaitForCompletionAsync(name, CancellationToken.None);
        var document = await http.GetFromJsonAsync<JsonElement>($"/local/executions/{name}");
        Assert.Equal(ExecutionStatus.Failed, execution.Status);
        Assert.Equal("FAILED", document.GetProperty("execution").GetProperty("status").GetString());
        // In process the model's own exception fails the task; as processes, Plan reaches the model over Converse and fails
        // with the Bedrock client's exception for the endpoint's 500, as a deployed function would.
        var expectedError = mode == FunctionsMode.InProcess ? nameof(InvalidOperationException) : nameof(Conduit.Aws.AwsServiceException);
        Assert.Equal(expectedError, document.GetProperty("execution").GetProperty("error").GetString());
        var events = document.GetProperty("events").EnumerateArray().ToList();
        var failed = events.First(e => e.GetProperty("type").GetString() == "TaskFailed");
        Assert.Equal(expectedError, failed.GetProperty("taskFailedEventDetails").GetProperty("error").GetString());
        var entered = events
            .Where(e => e.GetProperty("type").GetString()!.EndsWith("StateEntered", StringComparison.Ordinal))
            .Select(e => e.GetProperty("stateEnteredEventDetails").GetProperty("name").GetString())
            .ToList();
        Assert.Equal(["BuildPrompt", "Plan", "NotifyFailure", "TurnFailed"], entered);
        Assert.Equal("ExecutionFailed", events[^1].GetProperty("type").GetString());
    }

    [Fact]
    public async Task DispatchFailsOnce_MessageIsRedelivered_TurnCompletesExactlyOnce()
    {
        var starter = new FailFirstStarter();
        await using var host = await LocalStackHost.StartAsync(
            options => options with { Queue = options.Queue with { VisibilityTimeout = TimeSpan.FromMilliseconds(200) } },
            services => services.AddSingleton<IWorkflowStarter>(
                sp => starter.Wrap(ActivatorUtilities.CreateInstance<Local.Adapters.LocalWorkflowStarter>(sp))));
        await using var chat = await host.ConnectAsync();

        await chat.SendMessageAsync("retry-me", "Hello");
        var sessionId = (await chat.AckAsync("retry-me")).GetProperty("sessionId").GetString()!;
        var frames = await chat.ReadTurnAsync("retry-me");

        Assert.Equal(2, starter.Calls);
        Assert.Single(frames, f => f.GetProperty("type").GetString() == "done");
        Assert.Single(frames, f => f.TryGetProperty("phase", out var p) && p.GetString() == "queued");
        var history = await host.Services.GetRequiredService<IHistoryStore>().ReadLatestAsync(
            sessionId, long.MaxValue, 10, CancellationToken.None);
        Assert.Single(history, m => m.Role == MessageRoles.Assistant);
        var counts = await host.Services.GetRequiredService<DurableQueue>().GetCountsAsync(CancellationToken.None);
        Assert.Equal(0, counts.DeadLettered);
    }

    [Fact]
    public async Task ConnectionsApi_UnknownConnection_Returns410GoneException()
    {
        await using var host = await LocalStackHost.StartAsync();
        using var http = host.CreateSignedHttpClient();

        var response = await http.PostAsync("/local/@connections/" + Uri.EscapeDataString("AbC/dEf+gh12Iw="), new StringContent("{}"));

        Assert.Equal(HttpStatusCode.Gone, response.StatusCode);
        Assert.Equal("GoneException", response.Headers.GetValues("x-amzn-ErrorType").Single());
        Assert.Contains("message", await response.Content.ReadAsStringAsync());
    }

    private sealed class ThrowingChatClient : IChatClient
    {
        public Task<ChatResponse> GetResponseAsync(
            IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            throw new InvalidOperationException("The model exploded.");

        public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
            IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            throw new InvalidOperationException("The model exploded.");

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }
    }

    private sealed class FailFirstStarter
    {
        private int _calls;

        public int Calls => _calls;

        public IWorkflowStarter Wrap(IWorkflowStarter inner) => new Starter(this, inner);

        private sealed class Starter(FailFirstStarter owner, IWorkflowStarter inner) : IWorkflowStarter
        {
            public Task<WorkflowStart> StartAsync(string executionName, ChatTurnState input, CancellationToken cancellationToken) =>
                Interlocked.Increment(ref owner._calls) == 1
                    ? throw new HttpRequestException("Step Functions was unreachable.")
                    : inner.StartAsync(executionName, input, cancellationToken);
        }
    }
}
