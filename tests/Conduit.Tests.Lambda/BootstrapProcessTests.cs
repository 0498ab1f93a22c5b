using System.Diagnostics;
using System.Text.Json;
using Conduit.Aws.Lambda.Runtime;
using Conduit.Local.Lambda;
using Conduit.Tests.Support;

namespace Conduit.Tests.Lambda;

/// <summary>
/// Ingress built as its bootstrap executable (JIT, <c>-p:LambdaBootstrap=true</c>) once per test run, into a
/// temporary folder.
/// </summary>
public sealed class IngressBootstrapBuild : IAsyncLifetime
{
    private readonly TemporaryFolder _folder = new("bootstrap");

    public string Assembly => _folder.File("bootstrap.dll");

    public async Task InitializeAsync()
    {
        var publish = await ChildProcess.RunAsync(
            "dotnet",
            ["publish", RepositoryFiles.File("Ingress"), "-c", "Release", "-p:LambdaBootstrap=true", "-o", _folder.Path, "--nologo"],
            RepositoryFiles.Root,
            TimeSpan.FromMinutes(5));
        publish.OutputIfSucceeded();
        if (!File.Exists(Assembly)) throw new InvalidOperationException($"{publish.CommandLine} wrote no {Assembly}:\n{publish.Output}");
    }

    public Task DisposeAsync()
    {
        _folder.Dispose();
        return Task.CompletedTask;
    }
}

/// <summary>The real Ingress bootstrap as a child process under the Runtime API emulator, composed from its environment.</summary>
public sealed class BootstrapProcessTests(IngressBootstrapBuild build) : IClassFixture<IngressBootstrapBuild>
{
    private const string Handler = "Conduit.Ingress::Conduit.Ingress.IngressFunction::Handle";

    /// <summary>What template.yaml gives Ingress; nothing here is contacted on the ping route.</summary>
    private static readonly Dictionary<string, string?> FunctionEnvironment = new()
    {
        ["AWS_REGION"] = "us-east-1",
        ["CONNECTIONS_TABLE"] = "connections",
        ["SESSIONS_TABLE"] = "sessions",
        ["TURNS_TABLE"] = "turns",
        ["MESSAGES_TABLE"] = "messages",
        ["MESSAGE_KEYS_TABLE"] = "message-keys",
        ["FRAMES_TABLE"] = "frames",
        ["SUBSCRIPTIONS_TABLE"] = "subscriptions",
        ["RATE_LIMITS_TABLE"] = "rate-limits",
        ["TURN_QUEUE_URL"] = "https://sqs.us-east-1.amazonaws.com/000000000000/turns",
        ["CONNECTIONS_ENDPOINT"] = "https://abcdef1234.execute-api.us-east-1.amazonaws.com/prod",
        ["JWKS_URL"] = "https://issuer.example.com/.well-known/jwks.json",
        ["JWT_ISSUER"] = "https://issuer.example.com",
        ["JWT_AUDIENCE"] = "conduit",
    };

    private const string PingEvent = """
        {"requestContext":{"routeKey":"ping","eventType":"MESSAGE","connectionId":"L0SM9cOFvHcCIhw=","connectedAt":1795302645123,
        "requestTimeEpoch":1795302662010,"stage":"prod","apiId":"abcdef1234"},"body":"{\"action\":\"ping\"}","isBase64Encoded":false}
        """;

    [Fact]
    public async Task Bootstrap_PingEvent_PostsPongProxyResponse()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await using var emulator = await RuntimeApiEmulator.StartAsync(
            "arn:aws:lambda:us-east-1:000000000000:function:conduit-ingress", timeout.Token);
        var requestId = emulator.Enqueue(PingEvent);
        await using var bootstrap = BootstrapProcess.Start("dotnet", [build.Assembly], Handler, emulator.RuntimeApi, FunctionEnvironment);

        var post = await emulator.NextPostAsync(timeout.Token);

        Assert.True(post.Kind == RuntimePostKind.Response, $"expected a response, got {post.Kind} {post.BodyText}\n{bootstrap.Output}");
        Assert.Equal(requestId, post.RequestId);
        using var response = JsonDocument.Parse(post.Body);
        Assert.Equal(200, response.RootElement.GetProperty("statusCode").GetInt32());
        using var frame = JsonDocument.Parse(response.RootElement.GetProperty("body").GetString()!);
        Assert.Equal("pong", frame.RootElement.GetProperty("type").GetString());
        Assert.False(bootstrap.Process.HasExited, $"the bootstrap exited after one invocation:\n{bootstrap.Output}");
    }

    [Fact]
    public async Task Bootstrap_MissingJwtAudience_PostsConfigInvalidInitErrorNamingItAndExitsNonZero()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await using var emulator = await RuntimeApiEmulator.StartAsync(
            "arn:aws:lambda:us-east-1:000000000000:function:conduit-ingress", timeout.Token);
        await using var bootstrap = BootstrapProcess.Start(
            "dotnet", [build.Assembly], Handler, emulator.RuntimeApi,
            new Dictionary<string, string?>(FunctionEnvironment) { ["JWT_AUDIENCE"] = null });

        var post = await emulator.NextPostAsync(timeout.Token);
        var exitCode = await bootstrap.WaitForExitAsync(timeout.Token);

        Assert.Equal((RuntimePostKind.InitError, RuntimeErrorTypes.ConfigInvalid), (post.Kind, post.ErrorType));
        using var error = JsonDocument.Parse(post.Body);
        Assert.Equal("Environment variable JWT_AUDIENCE is not set.", error.RootElement.GetProperty("errorMessage").GetString());
        Assert.NotEqual(0, exitCode);
    }

    [Fact]
    public async Task Pool_ProcessKilledWhileIdle_NextInvocationStartsANewEnvironmentAndAnswers()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        await using var pool = new LambdaFunctionPool(IngressLaunch("dotnet", [build.Assembly]), _ => { });
        await pool.WarmAsync(timeout.Token);
        var first = Assert.Single(pool.ProcessIds);
        using (var killed = Process.GetProcessById(first))
        {
            killed.Kill();
            await killed.WaitForExitAsync(timeout.Token);
        }

        var answer = await pool.InvokeAsync(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(PingEvent))).WaitAsync(timeout.Token);

        using var response = await JsonDocument.ParseAsync(answer, cancellationToken: timeout.Token);
        Assert.Equal(200, response.RootElement.GetProperty("statusCode").GetInt32());
        Assert.Equal(2, pool.Starts);
        Assert.DoesNotContain(first, pool.ProcessIds);
    }

    [Fact]
    public async Task Pool_ProcessDiesDuringInvocation_FailsItWithRuntimeExitErrorAsLambdaReportsIt()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        // A runtime that never asks for its event stands for one busy in the handler when it dies.
        await using var pool = new LambdaFunctionPool(IngressLaunch("sleep", ["600"]), _ => { });
        await pool.WarmAsync(timeout.Token);
        var invocation = pool.InvokeAsync(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(PingEvent)));

        using (var runtime = Process.GetProcessById(Assert.Single(pool.ProcessIds))) runtime.Kill();
        var error = await Assert.ThrowsAsync<FunctionErrorException>(() => invocation.WaitAsync(timeout.Token));

        Assert.Equal(FunctionErrorException.ExitError, error.ErrorType);
        using var document = JsonDocument.Parse(error.ErrorDocument);
        Assert.Equal(FunctionErrorException.ExitError, document.RootElement.GetProperty("errorType").GetString());
        Assert.StartsWith("RequestId: ", document.RootElement.GetProperty("errorMessage").GetString(), StringComparison.Ordinal);
    }

    private static FunctionLaunch IngressLaunch(string fileName, IReadOnlyList<string> arguments) => new(
        "Ingress", fileName, arguments, Handler, "arn:aws:lambda:us-east-1:000000000000:function:conduit-ingress",
        TimeSpan.FromSeconds(29), FunctionEnvironment);
}
