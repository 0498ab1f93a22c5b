using Conduit.Aws.Lambda.Runtime;
using Conduit.Tests.Support;

namespace Conduit.Tests.Aws.Lambda;

/// <summary>The invocation headers of the Runtime API's next call: only the request id is guaranteed.</summary>
public sealed class RuntimeApiHeadersTests : IAsyncLifetime
{
    private RecordingAwsServer _server = null!;
    private RuntimeApiClient _client = null!;

    public async Task InitializeAsync()
    {
        _server = await RecordingAwsServer.StartAsync();
        _client = new RuntimeApiClient(_server.Url.Authority);
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task NextAsync_OnlyTheRequestId_ReadsNoDeadlineAndNoTrace()
    {
        _server.Enqueue(ScriptedResponse.Json(200, "{}", new Dictionary<string, string> { [RuntimeApiClient.RequestIdHeader] = "id-1" }));

        var invocation = await _client.NextAsync(CancellationToken.None);

        Assert.Equal(("id-1", (DateTimeOffset?)null, (string?)null), (invocation.RequestId, invocation.Deadline, invocation.TraceId));
        Assert.Equal("/2018-06-01/runtime/invocation/next", Assert.Single(_server.Requests).RawTarget);
    }

    [Fact]
    public async Task NextAsync_EveryHeader_ReadsTheDeadlineAndTraceAndIgnoresTheRest()
    {
        _server.Enqueue(ScriptedResponse.Json(200, """{"x":1}""", new Dictionary<string, string>
        {
            [RuntimeApiClient.RequestIdHeader] = "id-2",
            [RuntimeApiClient.DeadlineHeader] = "1795302645123",
            [RuntimeApiClient.TraceIdHeader] = "Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=1",
            ["Lambda-Runtime-Invoked-Function-Arn"] = "arn:aws:lambda:us-east-1:123456789012:function:conduit-Stream",
            ["Lambda-Runtime-Client-Context"] = "{}",
            ["Lambda-Runtime-Cognito-Identity"] = "{}",
        }));

        var invocation = await _client.NextAsync(CancellationToken.None);

        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1795302645123), invocation.Deadline);
        Assert.Equal("Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=1", invocation.TraceId);
        Assert.Equal("""{"x":1}"""u8.ToArray(), invocation.Event);
    }

    [Theory]
    [InlineData("soon")]
    [InlineData("-5")]
    [InlineData("")]
    public async Task NextAsync_DeadlineNotAnEpochMillisecond_ReadsAsNoDeadline(string deadline)
    {
        _server.Enqueue(ScriptedResponse.Json(200, "{}", new Dictionary<string, string>
        {
            [RuntimeApiClient.RequestIdHeader] = "id-3",
            [RuntimeApiClient.DeadlineHeader] = deadline,
        }));

        Assert.Null((await _client.NextAsync(CancellationToken.None)).Deadline);
    }
}
