using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Threading.Channels;
using Conduit.Aws.Lambda.Runtime;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Conduit.Local.Lambda;

/// <summary>
/// The Lambda Runtime API on a free loopback port, for running a bootstrap (in process or as a child process)
/// without Lambda: queued events are handed out by <c>/runtime/invocation/next</c> with the headers Lambda sends,
/// and every response, error and init error is recorded and answered 202, or with a status a test asks for.
/// </summary>
public sealed class RuntimeApiEmulator : IAsyncDisposable
{
    /// <summary>The deadline each invocation is handed, counted from when it is served.</summary>
    public static readonly TimeSpan FunctionTimeout = TimeSpan.FromSeconds(30);

    private readonly WebApplication _app;
    private readonly string _functionArn;
    private readonly Channel<(string RequestId, byte[] Event, string TraceId, TimeSpan Timeout)> _events =
        Channel.CreateUnbounded<(string, byte[], string, TimeSpan)>();
    private readonly Channel<RuntimePost> _posts = Channel.CreateUnbounded<RuntimePost>();
    private readonly ConcurrentQueue<HttpStatusCode> _statusOverrides = new();
    private readonly CancellationTokenSource _stopping = new();
    private long _requests;

    private RuntimeApiEmulator(WebApplication app, string functionArn)
    {
        _app = app;
        _functionArn = functionArn;
    }

    /// <summary>How many HTTP requests the runtime has made here (next, response, error, init error).</summary>
    public long Requests => Interlocked.Read(ref _requests);

    /// <summary>The value for <c>AWS_LAMBDA_RUNTIME_API</c>: host and port.</summary>
    public string RuntimeApi { get; private set; } = "";

    public static async Task<RuntimeApiEmulator> StartAsync(string functionArn, CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var emulator = new RuntimeApiEmulator(app, functionArn);
        app.Use((context, next) =>
        {
            Interlocked.Increment(ref emulator._requests);
            return next(context);
        });
        app.MapGet("/2018-06-01/runtime/invocation/next", emulator.NextAsync);
        app.MapPost(
            "/2018-06-01/runtime/invocation/{requestId}/response", context => emulator.RecordAsync(context, RuntimePostKind.Response));
        app.MapPost("/2018-06-01/runtime/invocation/{requestId}/error", context => emulator.RecordAsync(context, RuntimePostKind.Error));
        app.MapPost("/2018-06-01/runtime/init/error", context => emulator.RecordAsync(context, RuntimePostKind.InitError));
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        var address = new Uri(app.Urls.Single());
        emulator.RuntimeApi = $"{address.Host}:{address.Port}";
        return emulator;
    }

    /// <summary>
    /// Queues an event for the next <c>/next</c>; returns the request id it will carry. Its deadline is
    /// <paramref name="timeout"/> (the function's timeout by default) from when it is handed over.
    /// </summary>
    public string Enqueue(string eventJson, string? traceId = null, TimeSpan? timeout = null)
    {
        var requestId = Guid.NewGuid().ToString();
        var @event = System.Text.Encoding.UTF8.GetBytes(eventJson);
        _events.Writer.TryWrite((requestId, @event, traceId ?? NewTraceId(), timeout ?? FunctionTimeout));
        return requestId;
    }

    /// <summary>
    /// The next response or error post is answered with <paramref name="status"/> instead of 202 (init errors are not affected).
    /// </summary>
    public void AnswerNextPostWith(HttpStatusCode status) => _statusOverrides.Enqueue(status);

    /// <summary>The posts in the order they arrived.</summary>
    public async Task<RuntimePost> NextPostAsync(CancellationToken cancellationToken) =>
        await _posts.Reader.ReadAsync(cancellationToken).ConfigureAwait(false);

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
        _stopping.Dispose();
    }

    /// <summary>Held open until an event is queued; a stopping emulator answers 500, as a failing Lambda host would.</summary>
    private async Task NextAsync(HttpContext context)
    {
        using var waiting = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, _stopping.Token);
        (string RequestId, byte[] Event, string TraceId, TimeSpan Timeout) invocation;
        try
        {
            invocation = await _events.Reader.ReadAsync(waiting.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            context.Response.StatusCode = StatusCodes.Status500InternalServerError;
            return;
        }
        var headers = context.Response.Headers;
        headers[RuntimeApiClient.RequestIdHeader] = invocation.RequestId;
        var deadline = DateTimeOffset.UtcNow + invocation.Timeout;
        headers[RuntimeApiClient.DeadlineHeader] = deadline.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);
        headers[RuntimeApiClient.FunctionArnHeader] = _functionArn;
        headers[RuntimeApiClient.TraceIdHeader] = invocation.TraceId;
        context.Response.ContentType = "application/json";
        await context.Response.Body.WriteAsync(invocation.Event, context.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>An X-Ray trace header: root (version, epoch seconds in hex, 96 random bits), parent segment, sampling.</summary>
    private static string NewTraceId() =>
        $"Root=1-{DateTimeOffset.UtcNow.ToUnixTimeSeconds():x8}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12))}"
        + $";Parent={Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8))};Sampled=0";

    private async Task RecordAsync(HttpContext context, RuntimePostKind kind)
    {
        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body, context.RequestAborted).ConfigureAwait(false);
        var receivedAt = Stopwatch.GetTimestamp();
        var status = kind != RuntimePostKind.InitError && _statusOverrides.TryDequeue(out var requested)
            ? requested
            : HttpStatusCode.Accepted;
        _posts.Writer.TryWrite(new RuntimePost(
            kind,
            context.Request.RouteValues["requestId"] as string,
            body.ToArray(),
            context.Request.ContentType,
            context.Request.Headers[RuntimeApiClient.ErrorTypeHeader].FirstOrDefault(),
            (int)status,
            receivedAt));
        context.Response.StatusCode = (int)status;
    }
}
