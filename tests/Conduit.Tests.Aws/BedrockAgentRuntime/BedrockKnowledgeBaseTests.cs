using System.Text.Json.Nodes;
using Conduit.Aws;
using Conduit.Aws.BedrockAgentRuntime;
using Conduit.Core.Ports;
using Conduit.Tests.Aws.Signing;
using Conduit.Tests.Support;

namespace Conduit.Tests.Aws.BedrockAgentRuntime;

public sealed class BedrockKnowledgeBaseTests : IAsyncLifetime
{
    private const string KnowledgeBaseId = "KB12345678";
    private const string NoResults = """{"retrievalResults":[]}""";

    private RecordingAwsServer _server = null!;

    public async Task InitializeAsync() => _server = await RecordingAwsServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Theory]
    [InlineData(KnowledgeBaseId, "/knowledgebases/KB12345678/retrieve")]
    [
        InlineData(
            "arn:aws:bedrock:us-east-1:123456789012:knowledge-base/KB12345678",
            "/knowledgebases/arn%3Aaws%3Abedrock%3Aus-east-1%3A123456789012%3Aknowledge-base%2FKB12345678/retrieve")]
    public async Task SearchAsync_Query_PostsRetrieveSignedForBedrockWithQueryAndResultCount(string knowledgeBaseId, string rawTarget)
    {
        _server.Enqueue(ScriptedResponse.Json(200, NoResults));
        var knowledgeBase = new BedrockKnowledgeBase(AwsWire.Settings(_server), knowledgeBaseId);

        var passages = await knowledgeBase.SearchAsync("How are tokens coalesced?", 5, CancellationToken.None);

        Assert.Empty(passages);
        var request = Assert.Single(_server.Requests);
        Assert.Equal("POST", request.Method);
        Assert.Equal(rawTarget, request.RawTarget);
        Assert.Equal("application/json", request.Header("Content-Type"));
        AwsWire.AssertSignedFor(request, "bedrock");
        var body = JsonNode.Parse(request.Body);
        Assert.True(JsonNode.DeepEquals(
            JsonNode.Parse("""{"retrievalQuery":{"text":"How are tokens coalesced?"}"""
                + ""","retrievalConfiguration":{"vectorSearchConfiguration":{"numberOfResults":5}}}"""),
            body), body!.ToJsonString());
    }

    [Fact]
    public async Task SearchAsync_Results_MapsLocationTitleTextAndScore()
    {
        _server.Enqueue(ScriptedResponse.Json(200, """
            {"retrievalResults":[
              {"content":{"text":"Tokens are held for 50 ms.","type":"TEXT"},
               "location":{"type":"S3","s3Location":{"uri":"s3://conduit-docs/guides/streaming.md"}},
               "metadata":{"x-amz-bedrock-kb-title":"Streaming guide","x-amz-bedrock-kb-chunk-id":"1%3A0%3Aabc","page":3,"tags":["a","b"],
               "nested":{"k":null}},
               "score":0.8125,"documentId":"doc-1"},
              {"content":{"text":"Retry with jitter."},
               "location":{"type":"WEB","webLocation":{"url":"https://example.com/docs/retries/"}},
               "metadata":{"author":"ops"},
               "score":0.5},
              {"content":{"text":"Runbook."},
               "location":{"type":"CONFLUENCE","confluenceLocation":{"url":"https://wiki.example.com/display/OPS/Runbook"}},
               "metadata":{"title":"Ops runbook"}},
              {"content":{"text":"Row data."},
               "location":{"type":"SQL"},
               "score":0.1}
            ],"guardrailAction":"NONE"}
            """));
        var knowledgeBase = new BedrockKnowledgeBase(AwsWire.Settings(_server), KnowledgeBaseId);

        var passages = await knowledgeBase.SearchAsync("tokens", 4, CancellationToken.None);

        Assert.Equal(
            [
                new Passage("s3://conduit-docs/guides/streaming.md", "Streaming guide", "Tokens are held for 50 ms.", 0.8125),
                new Passage("https://example.com/docs/retries/", "retries", "Retry with jitter.", 0.5),
                new Passage("https://wiki.example.com/display/OPS/Runbook", "Ops runbook", "Runbook.", 0),
                new Passage("SQL", "SQL", "Row data.", 0.1),
            ],
            passages);
    }

    [Fact]
    public async Task SearchAsync_S3ResultWithoutTitle_UsesTheObjectName()
    {
        _server.Enqueue(ScriptedResponse.Json(200, """
            {"retrievalResults":[{"content":{"text":"Body."},"location":{"type":"S3",
            "s3Location":{"uri":"s3://bucket/docs/Getting%20started.md"}},"score":0.3}]}
            """));
        var knowledgeBase = new BedrockKnowledgeBase(AwsWire.Settings(_server), KnowledgeBaseId);

        var passage = Assert.Single(await knowledgeBase.SearchAsync("start", 1, CancellationToken.None));

        Assert.Equal("Getting started.md", passage.Title);
    }

    [Fact]
    public async Task SearchAsync_KnowledgeBaseMissing_ThrowsAwsNotFoundException()
    {
        _server.Enqueue(ScriptedResponse.Json(404, """{"message":"Knowledge base KB12345678 does not exist."}""",
            new Dictionary<string, string>
            {
                ["X-Amzn-ErrorType"] = "ResourceNotFoundException:http://internal.amazon.com/coral/com.amazon.bedrock/",
            }));
        var knowledgeBase = new BedrockKnowledgeBase(AwsWire.Settings(_server), KnowledgeBaseId);

        var exception = await Assert.ThrowsAsync<AwsNotFoundException>(() => knowledgeBase.SearchAsync("q", 3, CancellationToken.None));

        Assert.Equal("Knowledge base KB12345678 does not exist.", exception.Message);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(101)]
    public async Task SearchAsync_ResultCountOutsideTheApiRange_ThrowsWithoutCalling(int maxResults)
    {
        var knowledgeBase = new BedrockKnowledgeBase(AwsWire.Settings(_server), KnowledgeBaseId);

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => knowledgeBase.SearchAsync("q", maxResults, CancellationToken.None));

        Assert.Empty(_server.Requests);
    }
}
