using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Conduit.Tests.EndToEnd.Support;
using Conduit.Tests.Support;

namespace Conduit.Tests.EndToEnd;

/// <summary>
/// README's "A workflow of your own" runs as written: its definition, created with the AWS CLI on a real host, run with
/// its input, gives the output README shows.
/// </summary>
public sealed partial class ReadmeWorkflowTests : IAsyncLifetime
{
    private static readonly TimeSpan ExecutionTimeout = TimeSpan.FromSeconds(30);

    private LoopbackServer _host = null!;

    public async Task InitializeAsync() =>
        _host = await LocalHostProcess.StartAsync(LoopbackPort.Free(), "--in-memory", "--aws-credentials", "any");

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [GeneratedRegex(@"<!-- readme-workflow-(?<part>definition|output) -->\s*```json\n(?<json>.*?)\n```", RegexOptions.Singleline)]
    private static partial Regex MarkedJsonBlock();

    [GeneratedRegex(@"start-execution .*?--input '(?<input>[^']*)'", RegexOptions.Singleline)]
    private static partial Regex StartExecutionInput();

    [Fact]
    public async Task ReadmeOwnWorkflowExample_RunsWithTheAwsCli_AndGivesTheOutputReadmeShows()
    {
        var readme = await File.ReadAllTextAsync(RepositoryFiles.File("README.md"));
        var blocks = MarkedJsonBlock().Matches(readme)
            .ToDictionary(match => match.Groups["part"].Value, match => match.Groups["json"].Value);
        var input = StartExecutionInput().Match(readme).Groups["input"].Value;
        var definitionFile = Path.Combine(Path.GetTempPath(), $"fan-out-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(definitionFile, blocks["definition"]);
        var environment = AwsClients.Environment();
        try
        {
            (await AwsClients.CliAsync(
                _host.HttpBase, environment,
                "stepfunctions", "create-state-machine", "--name", "fan-out", "--role-arn", "arn:aws:iam::000000000000:role/any",
                "--definition", $"file://{definitionFile}")).OutputIfSucceeded();
        }
        finally
        {
            File.Delete(definitionFile);
        }

        (await AwsClients.CliAsync(
            _host.HttpBase, environment,
            "stepfunctions", "start-execution", "--name", "first-run",
            "--state-machine-arn", "arn:aws:states:local:000000000000:stateMachine:fan-out", "--input", input)).OutputIfSucceeded();
        var output = await OutputWhenClosedAsync("arn:aws:states:local:000000000000:execution:fan-out:first-run", environment);

        Assert.Equal("""{"items": [1, 2]}""", input);
        Assert.True(
            JsonNode.DeepEquals(JsonNode.Parse(blocks["output"]), JsonNode.Parse(output)),
            $"README shows {blocks["output"]} but the execution output {output}");
    }

    /// <summary>Asks for the execution's status until it is no longer RUNNING, then returns its output.</summary>
    private async Task<string> OutputWhenClosedAsync(string executionArn, IReadOnlyDictionary<string, string?> environment)
    {
        using var limit = new CancellationTokenSource(ExecutionTimeout);
        while (true)
        {
            var described = LastLine((await AwsClients.CliAsync(
                _host.HttpBase, environment,
                "stepfunctions", "describe-execution", "--execution-arn", executionArn, "--query", "[status, output]", "--output", "text"))
                .OutputIfSucceeded());
            var (status, output) = (described.Split('\t')[0], described.Split('\t', 2)[^1]);
            if (status != "RUNNING") return status == "SUCCEEDED" ? output : throw new InvalidOperationException(described);
            limit.Token.ThrowIfCancellationRequested();
        }
    }

    private static string LastLine(string output) =>
        output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)[^1];
}
