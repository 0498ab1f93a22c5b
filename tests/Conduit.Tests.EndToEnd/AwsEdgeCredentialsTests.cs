using Conduit.Tests.EndToEnd.Support;
using Conduit.Tests.Support;

namespace Conduit.Tests.EndToEnd;

/// <summary>With --aws-credentials the endpoint takes only that key, and checks its signatures for real.</summary>
public sealed class AwsEdgeCredentialsTests : IAsyncLifetime
{
    private const string AccessKeyId = "AKIDEDGEONLY";
    private const string Secret = "only-this-secret";

    private LoopbackServer _host = null!;

    public async Task InitializeAsync() =>
        _host = await LocalHostProcess.StartAsync(LoopbackPort.Free(), "--in-memory", "--aws-credentials", $"{AccessKeyId}:{Secret}");

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task AwsCli_WithTheConfiguredKey_IsAnswered()
    {
        var listed = await AwsClients.CliAsync(
            _host.HttpBase, AwsClients.Environment(AccessKeyId, Secret),
            "stepfunctions", "list-state-machines", "--query", "length(stateMachines)", "--output", "text");

        Assert.Equal("1", listed.OutputIfSucceeded().Split('\n', StringSplitOptions.RemoveEmptyEntries)[^1].Trim());
    }

    [Fact]
    public async Task AwsCli_WithAnotherKey_IsRefusedAsUnrecognizedClient()
    {
        var listed = await AwsClients.CliAsync(
            _host.HttpBase, AwsClients.Environment("AKIDSOMEONEELSE", Secret), "stepfunctions", "list-state-machines");

        Assert.False(listed.Succeeded);
        Assert.Contains("(UnrecognizedClientException)", listed.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AwsCli_WithTheKeyButAnotherSecret_IsRefusedAsInvalidSignature()
    {
        var listed = await AwsClients.CliAsync(
            _host.HttpBase, AwsClients.Environment(AccessKeyId, "not-the-secret"), "stepfunctions", "list-state-machines");

        Assert.False(listed.Succeeded);
        Assert.Contains("(InvalidSignatureException)", listed.Output, StringComparison.Ordinal);
    }
}
