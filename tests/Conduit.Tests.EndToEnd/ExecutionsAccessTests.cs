using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Conduit.Core.Chat;
using Conduit.Core.Ports;
using Conduit.Tests.EndToEnd.Support;

namespace Conduit.Tests.EndToEnd;

/// <summary>
/// Execution traces hold every user's questions and connection ids: an operator sees them all, a signed-in user only
/// the turns of their own sessions, and a request without a token nothing.
/// </summary>
public sealed class ExecutionsAccessTests : IAsyncLifetime
{
    private static readonly string AliceTurn = ExecutionNames.For(new TurnKey("alice", "alice-turn-1"), 1);
    private static readonly string BobTurn = ExecutionNames.For(new TurnKey("bob", "bob-turn-1"), 1);

    private LocalStackHost _host = null!;

    public async Task InitializeAsync()
    {
        _host = await LocalStackHost.StartAsync();
        await RunTurnAsync("alice", "alice-turn-1");
        await RunTurnAsync("bob", "bob-turn-1");
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Theory]
    [InlineData("/local/executions")]
    [InlineData("/local/executions/{alice}")]
    public async Task Executions_WithoutAToken_Are401(string path)
    {
        path = path.Replace("{alice}", AliceTurn, StringComparison.Ordinal);
        using var http = _host.CreateHttpClient();

        using var response = await http.GetAsync(path);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.DoesNotContain("alice", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Executions_WithAForgedToken_Are401()
    {
        using var http = _host.CreateHttpClient();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "eyJhbGciOiJub25lIn0.eyJzdWIiOiJib2IifQ.");

        using var response = await http.GetAsync("/local/executions");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    /// <summary>The AWS endpoint is another way to the same executions: by default it serves no key but the host's own.</summary>
    [Fact]
    public async Task AwsEndpoint_ByDefault_RefusesAnyKeyButTheHostsOwn()
    {
        var listed = await AwsClients.CliAsync(
            _host.HttpBase, AwsClients.Environment("AKIDSOMEPROCESS", "any-secret"),
            "stepfunctions", "list-executions",
            "--state-machine-arn", "arn:aws:states:local:000000000000:stateMachine:conduit-chat-turn");

        Assert.False(listed.Succeeded);
        Assert.Contains("(UnrecognizedClientException)", listed.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("alice", listed.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task List_AsAUser_ShowsOnlyTheirOwnTurns()
    {
        using var http = await _host.CreateHttpClientForAsync("bob");

        var names = await ListAsync(http);

        Assert.Equal([BobTurn], names);
    }

    [Fact]
    public async Task Describe_AnotherUsersExecution_AnswersExactlyLikeAMissingOne()
    {
        using var http = await _host.CreateHttpClientForAsync("bob");

        using var other = await http.GetAsync($"/local/executions/{AliceTurn}");
        using var missing = await http.GetAsync("/local/executions/no-such-turn");

        Assert.Equal(HttpStatusCode.NotFound, other.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        var otherBody = await other.Content.ReadAsStringAsync();
        Assert.Equal(
            (await missing.Content.ReadAsStringAsync()).Replace("no-such-turn", AliceTurn, StringComparison.Ordinal), otherBody);
        Assert.Equal("ExecutionDoesNotExist", JsonDocument.Parse(otherBody).RootElement.GetProperty("__type").GetString());
    }

    [Fact]
    public async Task Describe_TheirOwnExecution_ShowsItsInputAndHistory()
    {
        using var http = await _host.CreateHttpClientForAsync("alice");

        var detail = await http.GetFromJsonAsync<JsonElement>($"/local/executions/{AliceTurn}");

        Assert.Equal("SUCCEEDED", detail.GetProperty("execution").GetProperty("status").GetString());
        Assert.NotEqual(0, detail.GetProperty("events").GetArrayLength());
    }

    [Fact]
    public async Task ListAndDescribe_AsAnOperator_SeeEveryUsersTurns()
    {
        using var http = new HttpClient { BaseAddress = _host.HttpBase, Timeout = TimeSpan.FromSeconds(30) };
        var token = (await http.GetFromJsonAsync<JsonElement>("/local/dev/token?user=ops&operator=true"))
            .GetProperty("token").GetString();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);

        var names = await ListAsync(http);
        using var alices = await http.GetAsync($"/local/executions/{AliceTurn}");

        Assert.Equal(new[] { AliceTurn, BobTurn }.Order(), names.Order());
        Assert.Equal(HttpStatusCode.OK, alices.StatusCode);
    }

    [Fact]
    public async Task List_AsAUser_ShowsTheQuestionOfTheirOwnTurns_AndNoOtherUsersText()
    {
        using var http = await _host.CreateHttpClientForAsync("bob");

        var body = await http.GetStringAsync("/local/executions");

        var row = Assert.Single(JsonDocument.Parse(body).RootElement.GetProperty("executions").EnumerateArray());
        Assert.Equal("Hello from bob", row.GetProperty("question").GetString());
        Assert.Equal("bob-turn-1", row.GetProperty("requestId").GetString());
        Assert.DoesNotContain("alice", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task List_AsAnOperator_ShowsEveryTurnsQuestion()
    {
        using var http = await OperatorClientAsync();

        var questions = (await http.GetFromJsonAsync<JsonElement>("/local/executions")).GetProperty("executions").EnumerateArray()
            .Select(e => e.GetProperty("question").GetString()!);

        Assert.Equal(["Hello from alice", "Hello from bob"], questions.Order());
    }

    [Theory]
    [InlineData("ops", "alice", "alice-turn-1")]
    [InlineData("ops", "bob-turn-1", "bob-turn-1")]
    [InlineData("ops", "carol", "")]
    [InlineData("bob", "alice", "")]
    [InlineData("bob", "bob-", "bob-turn-1")]
    public async Task List_ByRequestId_KeepsTheTurnsWhoseRequestIdStartsWithIt(string caller, string search, string expected)
    {
        using var http = caller == "ops" ? await OperatorClientAsync() : await _host.CreateHttpClientForAsync(caller);

        var requestIds = await ListAsync(http, $"?requestId={search}", "requestId");

        Assert.Equal(expected == "" ? [] : [expected], requestIds);
    }

    [Theory]
    [InlineData("SUCCEEDED", 2)]
    [InlineData("succeeded", 2)]
    [InlineData("FAILED", 0)]
    [InlineData("RUNNING", 0)]
    [InlineData("TIMED_OUT", 0)]
    [InlineData("ABORTED", 0)]
    public async Task List_ByStatus_KeepsOnlyThatStatus(string status, int expected)
    {
        using var http = await OperatorClientAsync();

        var names = await ListAsync(http, $"?status={status}");

        Assert.Equal(expected, names.Count);
    }

    [Fact]
    public async Task List_ByAnUnknownStatus_Is400AndNamesTheStatuses()
    {
        using var http = await OperatorClientAsync();

        using var response = await http.GetAsync("/local/executions?status=DONE");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("TIMED_OUT", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private async Task<HttpClient> OperatorClientAsync()
    {
        var http = new HttpClient { BaseAddress = _host.HttpBase, Timeout = TimeSpan.FromSeconds(30) };
        var token = (await http.GetFromJsonAsync<JsonElement>("/local/dev/token?user=ops&operator=true"))
            .GetProperty("token").GetString();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return http;
    }

    private async Task RunTurnAsync(string user, string requestId)
    {
        await using var chat = await _host.ConnectAsync(user: user);
        await chat.SendMessageAsync(requestId, $"Hello from {user}");
        await chat.AckAsync(requestId);
        await chat.ReadTurnAsync(requestId);
        await _host.Services.GetRequiredService<Conduit.Local.StepFunctions.StepFunctionsEmulator>()
            .WaitForCompletionAsync(ExecutionNames.For(new TurnKey(user, requestId), 1));
    }

    private static async Task<List<string>> ListAsync(HttpClient http, string query = "", string field = "name") =>
        [.. (await http.GetFromJsonAsync<JsonElement>("/local/executions" + query)).GetProperty("executions").EnumerateArray()
            .Select(e => e.GetProperty(field).GetString()!)];
}
