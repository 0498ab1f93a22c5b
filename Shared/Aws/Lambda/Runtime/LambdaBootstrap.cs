using System.Net;
using Microsoft.Extensions.DependencyInjection;

namespace Conduit.Aws.Lambda.Runtime;

/// <summary>
/// The provided.al2023 runtime loop for Conduit's <c>Handle(Stream)</c> entry points: construct the handler
/// <c>_HANDLER</c> names (the same <c>Assembly::Type::Method</c> string the managed runtime reads), then next,
/// handle, response or error, until the Runtime API fails. Handlers are listed explicitly rather than found by
/// reflection, so the native build keeps exactly them.
/// </summary>
public sealed class LambdaBootstrap(IReadOnlyDictionary<string, Func<Func<Stream, Task<Stream>>>> handlers, TextWriter log)
{
    public const string HandlerVariable = "_HANDLER";
    public const string RuntimeApiVariable = "AWS_LAMBDA_RUNTIME_API";
    public const string TraceIdVariable = "_X_AMZN_TRACE_ID";

    /// <summary>
    /// A <c>Main</c>: this process's environment as Lambda sets it, diagnostics on stderr, and the functions of one
    /// assembly from <see cref="ConduitFunctions"/>, resolved from one provider built for this execution environment.
    /// </summary>
    public static async Task<int> RunAsync(string assembly, Action<IServiceCollection> addFunctions)
    {
        if (Environment.GetEnvironmentVariable(RuntimeApiVariable) is not { Length: > 0 } runtimeApi)
        {
            await Console.Error.WriteLineAsync($"{RuntimeApiVariable} is not set: this executable runs under the Lambda Runtime API.")
                .ConfigureAwait(false);
            return 1;
        }
        using var client = new RuntimeApiClient(runtimeApi);
        var services = LambdaServices.Build(addFunctions);
        await using (services.ConfigureAwait(false))
        {
            var handlers = ConduitFunctions.All
                .Where(function => function.Assembly == assembly)
                .ToDictionary(
                    function => function.Handler,
                    function => (Func<Func<Stream, Task<Stream>>>)(() => services.GetLambdaFunction(function).Handle));
            return await new LambdaBootstrap(handlers, Console.Error)
                .RunAsync(client, Environment.GetEnvironmentVariable(HandlerVariable), CancellationToken.None).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Returns non-zero when the process should exit: the handler could not be constructed (reported to
    /// <c>/runtime/init/error</c> first) or the Runtime API failed. It never returns zero: Lambda ends the process.
    /// </summary>
    public async Task<int> RunAsync(RuntimeApiClient client, string? handlerName, CancellationToken cancellationToken)
    {
        Func<Stream, Task<Stream>> handle;
        try
        {
            handle = Construct(handlerName);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            var errorType = exception switch
            {
                UnknownHandlerException => RuntimeErrorTypes.NoSuchHandler,
                ConfigurationException => RuntimeErrorTypes.ConfigInvalid,
                _ => RuntimeErrorTypes.UnknownReason,
            };
            await log.WriteLineAsync($"Init failed ({errorType}): {exception.GetType().Name}: {exception.Message}").ConfigureAwait(false);
            await client.PostInitErrorAsync(errorType, RuntimeError.From(exception), cancellationToken).ConfigureAwait(false);
            return 1;
        }

        while (true)
        {
            HttpStatusCode status;
            string requestId;
            try
            {
                var invocation = await client.NextAsync(cancellationToken).ConfigureAwait(false);
                requestId = invocation.RequestId;
                Environment.SetEnvironmentVariable(TraceIdVariable, invocation.TraceId);
                status = await InvokeAsync(client, handle, invocation, cancellationToken).ConfigureAwait(false);
            }
            catch (HttpRequestException exception)
            {
                await log.WriteLineAsync($"The Runtime API cannot be reached ({exception.Message}), so the runtime exits.")
                    .ConfigureAwait(false);
                return 1;
            }
            if (status == HttpStatusCode.InternalServerError)
            {
                await log.WriteLineAsync(
                    $"The Runtime API answered 500 for invocation {requestId}: the container is failing, so the runtime exits.")
                    .ConfigureAwait(false);
                return 1;
            }
            if (status != HttpStatusCode.Accepted)
            {
                await log.WriteLineAsync($"The Runtime API answered {(int)status} for invocation {requestId}; it is not retried.")
                    .ConfigureAwait(false);
            }
        }
    }

    private Func<Stream, Task<Stream>> Construct(string? handlerName) =>
        handlerName is not null && handlers.TryGetValue(handlerName, out var factory)
            ? factory()
            : throw new UnknownHandlerException(handlerName, handlers.Keys);

    /// <summary>The status of the last post for this invocation: its response, or the error that replaced it.</summary>
    private async Task<HttpStatusCode> InvokeAsync(
        RuntimeApiClient client, Func<Stream, Task<Stream>> handle, RuntimeInvocation invocation, CancellationToken cancellationToken)
    {
        Stream result;
        try
        {
            result = await handle(new MemoryStream(invocation.Event, writable: false)).ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            await log.WriteLineAsync($"Invocation {invocation.RequestId} failed: {exception.GetType().Name}: {exception.Message}")
                .ConfigureAwait(false);
            return await client.PostErrorAsync(
                invocation.RequestId, RuntimeErrorTypes.Unhandled, RuntimeError.From(exception), cancellationToken).ConfigureAwait(false);
        }

        var length = result.CanSeek ? result.Length : (long?)null;
        var status = await client.PostResponseAsync(invocation.RequestId, result, cancellationToken).ConfigureAwait(false);
        if (status != HttpStatusCode.RequestEntityTooLarge) return status;
        var tooLarge = new RuntimeError(
            $"The response{(length is { } bytes ? $" of {bytes} bytes" : "")} is larger than Lambda accepts for an invocation's result.",
            RuntimeErrorTypes.ResponseSizeTooLarge,
            []);
        await log.WriteLineAsync($"Invocation {invocation.RequestId}: {tooLarge.ErrorMessage}").ConfigureAwait(false);
        return await client.PostErrorAsync(invocation.RequestId, RuntimeErrorTypes.ResponseSizeTooLarge, tooLarge, cancellationToken)
            .ConfigureAwait(false);
    }
}
