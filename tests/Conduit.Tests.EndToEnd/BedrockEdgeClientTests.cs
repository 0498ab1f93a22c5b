using System.Net;
using System.Text;
using System.Text.Json;
using Amazon;
using Amazon.Runtime;
using Conduit.Aws;
using Conduit.Aws.BedrockAgentRuntime;
using Conduit.Aws.BedrockRuntime;
using Conduit.Local.Bedrock;
using Conduit.Tests.EndToEnd.Support;
using Conduit.Tests.Support;
using Microsoft.Extensions.AI;

namespace Conduit.Tests.EndToEnd;

/// <summary>
/// Bedrock Runtime and Agent Runtime on the host's AWS-compatible endpoint, as clients no one here wrote see them (the
/// official AWS SDK for JavaScript v3) and as the repository's own Bedrock adapters do, against a real host process.
/// </summary>
public sealed class BedrockEdgeClientTests : IAsyncLifetime
{
    private LoopbackServer _host = null!;

    public async Task InitializeAsync() => _host = await LocalHostProcess.StartAsync(
        LoopbackPort.Free(), "--in-memory", "--aws-credentials", "any", "--kb", Path.Combine(AppContext.BaseDirectory, "knowledge"));

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task JavaScriptSdk_ConverseAndConverseStream_GiveTheSameAnswerWithUsage()
    {
        var run = await AwsClients.NodeScriptAsync("bedrock-runtime.mjs", AwsClients.Environment(), _host.HttpBase.AbsoluteUri);

        var seen = JsonDocument.Parse(LastLine(run.OutputIfSucceeded())).RootElement;
        var converseText = seen.GetProperty("converseText").GetString();
        Assert.False(string.IsNullOrWhiteSpace(converseText));
        Assert.Equal(converseText, seen.GetProperty("streamText").GetString());
        Assert.Equal("assistant", seen.GetProperty("converseRole").GetString());
        Assert.Equal("end_turn", seen.GetProperty("converseStopReason").GetString());
        Assert.True(seen.GetProperty("converseUsage").GetProperty("outputTokens").GetInt32() > 0);
        Assert.True(seen.GetProperty("converseLatencyIsNumber").GetBoolean());
        Assert.Equal("messageStart", seen.GetProperty("firstEvent").GetString());
        Assert.Equal("[\"contentBlockStop\",\"messageStop\",\"metadata\"]", seen.GetProperty("lastEvents").GetRawText());
        Assert.Equal("end_turn", seen.GetProperty("stopReason").GetString());
        var usage = seen.GetProperty("usage");
        Assert.True(usage.GetProperty("outputTokens").GetInt32() > 0);
        Assert.Equal(
            usage.GetProperty("inputTokens").GetInt32() + usage.GetProperty("outputTokens").GetInt32(),
            usage.GetProperty("totalTokens").GetInt32());
        Assert.True(seen.GetProperty("latencyIsNumber").GetBoolean());
        var bad = seen.GetProperty("badRequest");
        Assert.Equal("ValidationException", bad.GetProperty("name").GetString());
        Assert.Equal(400, bad.GetProperty("status").GetInt32());
        Assert.Contains("image", bad.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task JavaScriptSdk_Retrieve_ReturnsPassagesOfTheLocalDocuments()
    {
        var run = await AwsClients.NodeScriptAsync(
            "bedrock-retrieve.mjs", AwsClients.Environment(), _host.HttpBase.AbsoluteUri, BedrockAgentRuntimeApi.KnowledgeBaseId,
            "dust storms on Mars");

        var seen = JsonDocument.Parse(LastLine(run.OutputIfSucceeded())).RootElement;
        var first = seen.GetProperty("results")[0];
        Assert.Contains("Dust storms on Mars", first.GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.Equal("TEXT", first.GetProperty("type").GetString());
        Assert.Equal("CUSTOM", first.GetProperty("locationType").GetString());
        Assert.Equal("weather.md", first.GetProperty("source").GetString());
        Assert.True(first.GetProperty("score").GetDouble() > 0);
        Assert.True(seen.GetProperty("results").GetArrayLength() <= 3);
        Assert.Equal(JsonValueKind.Null, seen.GetProperty("nextToken").ValueKind);
        Assert.Equal("ResourceNotFoundException", seen.GetProperty("unknown").GetProperty("name").GetString());
        Assert.Equal(404, seen.GetProperty("unknown").GetProperty("status").GetInt32());
    }

    [Fact]
    public async Task BedrockChatClient_AtTheEdge_StreamsTheTextItAnswersWhole()
    {
        using var client = new BedrockChatClient(Settings(), "amazon.nova-lite-v1:0");
        ChatMessage[] question = [new(ChatRole.User, "What is Conduit?")];

        var whole = await client.GetResponseAsync(question);
        var updates = new List<ChatResponseUpdate>();
        await foreach (var update in client.GetStreamingResponseAsync(question)) updates.Add(update);

        Assert.False(string.IsNullOrWhiteSpace(whole.Text));
        Assert.Equal(whole.Text, string.Concat(updates.Select(u => u.Text)));
        Assert.Equal(ChatFinishReason.Stop, whole.FinishReason);
        Assert.Contains(updates, u => u.FinishReason == ChatFinishReason.Stop);
        Assert.Contains(updates.SelectMany(u => u.Contents), c => c is UsageContent { Details.OutputTokenCount: > 0 });
    }

    [Fact]
    public async Task BedrockKnowledgeBase_AtTheEdge_FindsTheLocalPassage()
    {
        var knowledgeBase = new BedrockKnowledgeBase(Settings(), BedrockAgentRuntimeApi.KnowledgeBaseId);

        var passages = await knowledgeBase.SearchAsync("dust storms on Mars", 2, CancellationToken.None);

        Assert.Equal("weather.md", passages[0].Source);
        Assert.Contains("Mars", passages[0].Title, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PostConverse_Unsigned_Is403MissingAuthenticationToken_InTheRestJsonShape()
    {
        using var http = new HttpClient { BaseAddress = _host.HttpBase };

        using var response = await http.PostAsync(
            "/model/amazon.nova-lite-v1%3A0/converse", new StringContent("{}", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("MissingAuthenticationTokenException", response.Headers.GetValues("x-amzn-ErrorType").Single());
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("Missing Authentication Token", body.GetProperty("message").GetString());
    }

    private AwsClientSettings Settings() => new()
    {
        Region = RegionEndpoint.USEast1,
        Credentials = new BasicAWSCredentials("AKIDEDGETEST", "edge-test-secret"),
        ServiceUrl = _host.HttpBase,
        MaxAttempts = 1,
    };

    private static string LastLine(string output) =>
        output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)[^1];
}
