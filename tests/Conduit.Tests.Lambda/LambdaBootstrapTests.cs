using System.Net;
using System.Text;
using System.Text.Json;
using Conduit.Aws;
using Conduit.Aws.Lambda.Runtime;
using Conduit.Local.Lambda;

namespace Conduit.Tests.Lambda;

/// <summary>The bootstrap loop in process against the Runtime API emulator: what it posts, and when it exits.</summary>
public sealed class LambdaBootstrapTests : IAsyncLifetime
{
    private const string EchoHandler = "Tests::Echo::Handle";
    private const string FunctionArn = "arn:aws:lambda:us-east-1:000000000000:function:conduit-test";

    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromSeconds(30));
    private readonly StringWriter _log = new();
    private RuntimeApiEmulator _emulator = null!;
    private RuntimeApiClient _client = null!;

    public async Task InitializeAsync()
    {
        _emulator = await RuntimeApiEmulator.StartAsync(FunctionArn, _timeout.Token);
        _client = new RuntimeApiClient(_emulator.RuntimeApi);
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _emulator.DisposeAsync();
        _timeout.Dispose();
    }

    [Fact]
    public async Task RunAsync_HandlerReturnsStream_PostsItAsTheInvocationsResponse()
    {
        var run = Start(Handlers(EchoHandler, () => Echo));
        var requestId = _emulator.Enqueue("""{"hello":"world"}""");

        var post = await _emulator.NextPostAsync(_timeout.Token);

        Assert.Equal((RuntimePostKind.Response, requestId, 202), (post.Kind, post.RequestId, post.AnsweredWith));
        Assert.Equal("""echo:{"hello":"world"}""", post.BodyText);
        await StopAsync(run);
    }

    [Fact]
    public async Task RunAsync_HandlerThrows_PostsTheErrorAndServesTheNextEvent()
    {
        var run = Start(Handlers(EchoHandler, () => FailOn("fail", new TimeoutException("the model took too long"))));
        var failing = _emulator.Enqueue("fail");
        var next = _emulator.Enqueue("next");

        var error = await _emulator.NextPostAsync(_timeout.Token);
        var response = await _emulator.NextPostAsync(_timeout.Token);

        Assert.Equal((RuntimePostKind.Error, failing), (error.Kind, error.RequestId));
        Assert.Equal(RuntimeErrorTypes.Unhandled, error.ErrorType);
        Assert.Equal(RuntimeApiClient.ErrorContentType, error.ContentType);
        using var body = JsonDocument.Parse(error.Body);
        Assert.Equal("the model took too long", body.RootElement.GetProperty("errorMessage").GetString());
        Assert.Equal(nameof(TimeoutException), body.RootElement.GetProperty("errorType").GetString());
        Assert.Contains(
            body.RootElement.GetProperty("stackTrace").EnumerateArray(),
            line => line.GetString()!.Contains(nameof(LambdaBootstrapTests), StringComparison.Ordinal));
        Assert.Equal((RuntimePostKind.Response, next, "echo:next"), (response.Kind, response.RequestId, response.BodyText));
        await StopAsync(run);
    }

    [Fact]
    public async Task RunAsync_UnknownHandler_PostsInitErrorAndExitsNonZero()
    {
        var exitCode = await Start(Handlers(EchoHandler, () => Echo), "Tests::Missing::Handle");

        var post = await _emulator.NextPostAsync(_timeout.Token);
        Assert.NotEqual(0, exitCode);
        Assert.Equal((RuntimePostKind.InitError, null, RuntimeErrorTypes.NoSuchHandler), (post.Kind, post.RequestId, post.ErrorType));
        using var body = JsonDocument.Parse(post.Body);
        Assert.Equal(nameof(UnknownHandlerException), body.RootElement.GetProperty("errorType").GetString());
        Assert.Contains("Tests::Missing::Handle", body.RootElement.GetProperty("errorMessage").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_HandlerConstructorThrowsConfigurationException_PostsConfigInvalidInitErrorAndExitsNonZero()
    {
        var exitCode = await Start(
            Handlers(EchoHandler, () => throw new ConfigurationException("Environment variable MODEL_ID is not set.")));

        var post = await _emulator.NextPostAsync(_timeout.Token);
        Assert.NotEqual(0, exitCode);
        Assert.Equal(
            (RuntimePostKind.InitError, RuntimeErrorTypes.ConfigInvalid, RuntimeApiClient.ErrorContentType),
            (post.Kind, post.ErrorType, post.ContentType));
        using var body = JsonDocument.Parse(post.Body);
        Assert.Equal("Environment variable MODEL_ID is not set.", body.RootElement.GetProperty("errorMessage").GetString());
        Assert.Equal(nameof(ConfigurationException), body.RootElement.GetProperty("errorType").GetString());
    }

    [Fact]
    public async Task RunAsync_ResponseAnswered413_PostsAResponseTooLargeErrorInstead()
    {
        _emulator.AnswerNextPostWith(HttpStatusCode.RequestEntityTooLarge);
        var run = Start(Handlers(EchoHandler, () => Echo));
        var requestId = _emulator.Enqueue("big");

        var rejected = await _emulator.NextPostAsync(_timeout.Token);
        var error = await _emulator.NextPostAsync(_timeout.Token);

        Assert.Equal((RuntimePostKind.Response, requestId, 413), (rejected.Kind, rejected.RequestId, rejected.AnsweredWith));
        Assert.Equal(
            (RuntimePostKind.Error, requestId, RuntimeErrorTypes.ResponseSizeTooLarge, 202),
            (error.Kind, error.RequestId, error.ErrorType, error.AnsweredWith));
        using var body = JsonDocument.Parse(error.Body);
        Assert.Contains("8 bytes", body.RootElement.GetProperty("errorMessage").GetString(), StringComparison.Ordinal);
        await StopAsync(run);
    }

    [Fact]
    public async Task RunAsync_ResponseAnswered500_ExitsNonZeroWithoutAskingForMore()
    {
        _emulator.AnswerNextPostWith(HttpStatusCode.InternalServerError);
        var run = Start(Handlers(EchoHandler, () => Echo));
        _emulator.Enqueue("one");

        var exitCode = await run.WaitAsync(_timeout.Token);

        Assert.NotEqual(0, exitCode);
        Assert.Equal(500, (await _emulator.NextPostAsync(_timeout.Token)).AnsweredWith);
        Assert.Contains("500", _log.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_InvocationWithTraceId_SetsXAmznTraceIdForTheHandler()
    {
        var run = Start(
            Handlers(
                EchoHandler,
                () => _ => Task.FromResult<Stream>(
                    new MemoryStream(
                        Encoding.UTF8.GetBytes(Environment.GetEnvironmentVariable(LambdaBootstrap.TraceIdVariable) ?? "unset")))));
        const string trace = "Root=1-6740a3f2-0123456789abcdef01234567;Parent=53995c3f42cd8ad8;Sampled=1";
        _emulator.Enqueue("{}", trace);

        var post = await _emulator.NextPostAsync(_timeout.Token);

        Assert.Equal(trace, post.BodyText);
        await StopAsync(run);
    }

    [Fact]
    public async Task RunAsync_HandlerStillRunningNearTheDeadline_IsCancelledAndTheErrorPostedBeforeLambdasTimeout()
    {
        var handlers = new Dictionary<string, Func<Func<Stream, CancellationToken, Task<Stream>>>>
        {
            [EchoHandler] = () => async (_, cancellationToken) =>
            {
                await Task.Delay(Timeout.Infinite, cancellationToken);
                return Stream.Null;
            },
        };
        var run = Start(handlers);
        var handedOver = DateTimeOffset.UtcNow;
        var requestId = _emulator.Enqueue("{}", timeout: TimeSpan.FromSeconds(4));

        var error = await _emulator.NextPostAsync(_timeout.Token);

        Assert.Equal((RuntimePostKind.Error, requestId), (error.Kind, error.RequestId));
        Assert.Contains("Canceled", error.BodyText, StringComparison.Ordinal);
        Assert.True(DateTimeOffset.UtcNow - handedOver < TimeSpan.FromSeconds(4), "the error came after the deadline");
        await StopAsync(run);
    }

    private Task<int> Start(
        IReadOnlyDictionary<string, Func<Func<Stream, CancellationToken, Task<Stream>>>> handlers, string handlerName = EchoHandler) =>
        new LambdaBootstrap(handlers, _log).RunAsync(_client, handlerName, _timeout.Token);

    /// <summary>The loop only ends on its own when it should exit; a passing test stops it through its token.</summary>
    private async Task StopAsync(Task<int> run)
    {
        Assert.False(run.IsCompleted, $"the loop ended early:\n{_log}");
        await _timeout.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
    }

    /// <summary>A handler that ignores its deadline, as most of these tests need.</summary>
    private static Dictionary<string, Func<Func<Stream, CancellationToken, Task<Stream>>>> Handlers(
        string name, Func<Func<Stream, Task<Stream>>> factory) =>
        new() { [name] = () => { var handle = factory(); return (input, _) => handle(input); } };

    /// <summary>Echoes every event but <paramref name="text"/>, for which it throws <paramref name="exception"/>.</summary>
    private static Func<Stream, Task<Stream>> FailOn(string text, Exception exception) => async input =>
    {
        using var reader = new StreamReader(input);
        var received = await reader.ReadToEndAsync();
        return received == text ? throw exception : await Echo(new MemoryStream(Encoding.UTF8.GetBytes(received)));
    };

    private static async Task<Stream> Echo(Stream input)
    {
        var output = new MemoryStream();
        await output.WriteAsync("echo:"u8.ToArray());
        await input.CopyToAsync(output);
        output.Position = 0;
        return output;
    }
}
