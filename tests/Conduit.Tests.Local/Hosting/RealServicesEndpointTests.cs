using Conduit.Core.Ports;
using Conduit.Local.Hosting;
using Conduit.Tests.Support;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;

namespace Conduit.Tests.Local.Hosting;

/// <summary>
/// --model bedrock: and --kb bedrock: reach whatever endpoint the standard settings name (AWS_ENDPOINT_URL and its
/// relatives), signed with the given keys: here a loopback listener standing in for Bedrock.
/// </summary>
public sealed class RealServicesEndpointTests : IAsyncLifetime
{
    private RecordingAwsServer _server = null!;

    public async Task InitializeAsync() => _server = await RecordingAwsServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task BedrockModel_EndpointFromTheEnvironment_IsWhereTheHostsModelCallsGo()
    {
        _server.Enqueue(ScriptedResponse.Json(200, """
            {"output":{"message":{"role":"assistant","content":[{"text":"From the endpoint."}]}},"stopReason":"end_turn",
             "usage":{"inputTokens":3,"outputTokens":3,"totalTokens":6}}
            """));
        await using var host = LocalStack.Create(
            Options("AWS_ENDPOINT_URL_BEDROCK_RUNTIME") with { ModelSource = new BedrockModel("amazon.nova-lite-v1:0") });

        var response = await host.Services.GetRequiredService<IChatClient>().GetResponseAsync([new ChatMessage(ChatRole.User, "Hi")]);

        Assert.Equal("From the endpoint.", response.Text);
        var request = Assert.Single(_server.Requests);
        Assert.Equal("/model/amazon.nova-lite-v1%3A0/converse", request.RawTarget);
        Assert.Contains("/eu-west-1/bedrock/aws4_request", request.Header("Authorization"), StringComparison.Ordinal);
        Assert.StartsWith("AWS4-HMAC-SHA256 Credential=AKIDLOCAL/", request.Header("Authorization"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task BedrockKnowledgeBase_GlobalEndpointFromTheEnvironment_IsWhereRetrieveGoes()
    {
        _server.Enqueue(ScriptedResponse.Json(200, """
            {"retrievalResults":[{"content":{"text":"Dispatcher starts executions."},
              "location":{"type":"S3","s3Location":{"uri":"s3://kb/a.md"}},"score":0.9}]}
            """));
        await using var host = LocalStack.Create(
            Options("AWS_ENDPOINT_URL") with { KnowledgeBase = new BedrockKnowledgeBaseChoice("KB12345678") });

        var passages = await host.Services.GetRequiredService<IKnowledgeBase>().SearchAsync("dispatcher", 3, CancellationToken.None);

        Assert.Equal("Dispatcher starts executions.", Assert.Single(passages).Text);
        Assert.Equal("/knowledgebases/KB12345678/retrieve", Assert.Single(_server.Requests).RawTarget);
    }

    private LocalHostOptions Options(string endpointVariable)
    {
        var environment = new Dictionary<string, string>
        {
            [endpointVariable] = _server.Url.AbsoluteUri,
            ["AWS_REGION"] = "eu-west-1",
            ["AWS_ACCESS_KEY_ID"] = "AKIDLOCAL",
            ["AWS_SECRET_ACCESS_KEY"] = "secret",
        };
        return new LocalHostOptions { InMemory = true, Port = 0, AwsEnvironment = name => environment.GetValueOrDefault(name) };
    }
}
