using System.Text;
using System.Text.Json.Nodes;

namespace Conduit.Local.Lambda;

/// <summary>
/// One execution environment: a bootstrap process behind its own Runtime API, running one invocation at a time as
/// Lambda runs them. A process that dies fails the invocation it held with <c>Runtime.ExitError</c>, and the
/// environment is not used again.
/// </summary>
public sealed class LambdaEnvironment : IAsyncDisposable
{
    private readonly RuntimeApiEmulator _runtimeApi;
    private readonly BootstrapProcess _process;
    private readonly TimeSpan _timeout;

    private LambdaEnvironment(RuntimeApiEmulator runtimeApi, BootstrapProcess process, TimeSpan timeout)
    {
        _runtimeApi = runtimeApi;
        _process = process;
        _timeout = timeout;
    }

    public int ProcessId => _process.Process.Id;

    public bool HasExited => _process.Process.HasExited;

    /// <summary>Every HTTP request the runtime made to this environment's Runtime API.</summary>
    public long RuntimeApiRequests => _runtimeApi.Requests;

    public static async Task<LambdaEnvironment> StartAsync(
        FunctionLaunch launch, Action<string> output, CancellationToken cancellationToken)
    {
        var runtimeApi = await RuntimeApiEmulator.StartAsync(launch.FunctionArn, cancellationToken).ConfigureAwait(false);
        try
        {
            var process = BootstrapProcess.Start(
                launch.FileName, launch.Arguments, launch.Handler, runtimeApi.RuntimeApi, launch.Environment, output);
            return new LambdaEnvironment(runtimeApi, process, launch.Timeout);
        }
        catch
        {
            await runtimeApi.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// The function's result, or a <see cref="FunctionErrorException"/> with the error it reported, the init error
    /// that stopped it, or <c>Runtime.ExitError</c> when the process exited before answering.
    /// </summary>
    public async Task<Stream> InvokeAsync(string eventJson, CancellationToken cancellationToken)
    {
        var requestId = _runtimeApi.Enqueue(eventJson, timeout: _timeout);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var post = _runtimeApi.NextPostAsync(stop.Token);
        var exit = _process.Process.WaitForExitAsync(stop.Token);
        var first = await Task.WhenAny(post, exit).ConfigureAwait(false);
        await stop.CancelAsync().ConfigureAwait(false);
        if (first == post && post.IsCompletedSuccessfully)
        {
            var answer = post.Result;
            return answer.Kind switch
            {
                RuntimePostKind.Response => new MemoryStream(answer.Body, writable: false),
                _ => throw new FunctionErrorException(ErrorTypeOf(answer), answer.BodyText),
            };
        }
        cancellationToken.ThrowIfCancellationRequested();
        var status = _process.Process.HasExited ? $"exit status {_process.Process.ExitCode}" : "signal: killed";
        var message = $"RequestId: {requestId} Error: Runtime exited with error: {status}";
        throw new FunctionErrorException(
            FunctionErrorException.ExitError,
            new JsonObject { ["errorType"] = FunctionErrorException.ExitError, ["errorMessage"] = message }.ToJsonString());
    }

    public async ValueTask DisposeAsync()
    {
        await _process.DisposeAsync().ConfigureAwait(false);
        await _runtimeApi.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>The error document's errorType, which names the failure; the header only says Unhandled or the init reason.</summary>
    private static string ErrorTypeOf(RuntimePost post)
    {
        try
        {
            if (JsonNode.Parse(Encoding.UTF8.GetString(post.Body))?["errorType"]?.GetValue<string>() is { Length: > 0 } type) return type;
        }
        catch (Exception exception) when (exception is System.Text.Json.JsonException or InvalidOperationException)
        {
            return post.ErrorType ?? "Unhandled";
        }
        return post.ErrorType ?? "Unhandled";
    }
}
