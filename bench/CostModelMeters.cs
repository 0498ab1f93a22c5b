using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Conduit.Core.Contracts;
using Conduit.Core.Ports;
using Conduit.Core.Serialization;
using Conduit.Local.Lambda;
using Conduit.Local.Queue;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.AI;

namespace Conduit.Bench;

/// <summary>One Lambda invocation as the local host made it: which function, which WebSocket route for Ingress, how long.</summary>
public sealed record LambdaInvocation(string Function, string? Route, TimeSpan Duration);

/// <summary>Times every invocation of the handlers it wraps, which are the same <c>Handle(Stream)</c> methods Lambda calls.</summary>
public sealed class LambdaMeter
{
    public const string Ingress = "Ingress";
    public const string Dispatcher = "Dispatcher";

    private readonly ConcurrentQueue<LambdaInvocation> _invocations = new();
    private readonly Lock _waiting = new();
    private readonly List<(string Route, int Count, TaskCompletionSource Reached)> _waiters = [];

    public IReadOnlyList<LambdaInvocation> Invocations => [.. _invocations];

    public void Reset() => _invocations.Clear();

    public LambdaHandler Measure(string function, LambdaHandler handler) => async input =>
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            return await handler(input);
        }
        finally
        {
            Record(new LambdaInvocation(function, null, Stopwatch.GetElapsedTime(started)));
        }
    };

    /// <summary>Ingress, with the route of each event, read from the event as API Gateway sends it.</summary>
    public LambdaHandler MeasureIngress(LambdaHandler handler) => async input =>
    {
        var buffered = new MemoryStream();
        await input.CopyToAsync(buffered);
        buffered.Position = 0;
        string? route;
        using (var document = JsonDocument.Parse(buffered.ToArray()))
            route = document.RootElement.GetProperty("requestContext").GetProperty("routeKey").GetString();
        var started = Stopwatch.GetTimestamp();
        try
        {
            return await handler(buffered);
        }
        finally
        {
            Record(new LambdaInvocation(Ingress, route, Stopwatch.GetElapsedTime(started)));
        }
    };

    /// <summary>
    /// Completes when Ingress has served <paramref name="count"/> events of <paramref name="route"/> since the last reset.
    /// </summary>
    public Task WhenIngressServedAsync(string route, int count, CancellationToken cancellationToken)
    {
        lock (_waiting)
        {
            if (IngressCount(route) >= count) return Task.CompletedTask;
            var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((route, count, reached));
            return reached.Task.WaitAsync(cancellationToken);
        }
    }

    private int IngressCount(string route) => _invocations.Count(invocation => invocation.Function == Ingress && invocation.Route == route);

    private void Record(LambdaInvocation invocation)
    {
        _invocations.Enqueue(invocation);
        lock (_waiting)
        {
            foreach (var waiter in _waiters.Where(waiter => IngressCount(waiter.Route) >= waiter.Count).ToList())
            {
                waiter.Reached.TrySetResult();
                _waiters.Remove(waiter);
            }
        }
    }
}

/// <summary>
/// Counts the @connections POSTs the local gateway answers, by sitting in front of its request pipeline: every frame a
/// worker or Ingress delivers is one such POST, as it is on AWS.
/// </summary>
public sealed class ConnectionsMeter(string stage) : IStartupFilter
{
    private long _posts;
    private long _gone;

    public long Posts => Interlocked.Read(ref _posts);
    public long Gone => Interlocked.Read(ref _gone);

    public void Reset()
    {
        Interlocked.Exchange(ref _posts, 0);
        Interlocked.Exchange(ref _gone, 0);
    }

    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use(CountAsync);
        next(app);
    };

    private async Task CountAsync(HttpContext context, RequestDelegate next)
    {
        await next(context);
        if (!HttpMethods.IsPost(context.Request.Method) || !context.Request.Path.StartsWithSegments($"/{stage}/@connections")) return;
        Interlocked.Increment(ref _posts);
        if (context.Response.StatusCode == StatusCodes.Status410Gone) Interlocked.Increment(ref _gone);
    }
}

/// <summary>SendMessage calls and their sizes, and the batches the event source mapping received and deleted.</summary>
public sealed class QueueMeter
{
    private readonly ConcurrentQueue<int> _sentBytes = new();
    private readonly ConcurrentQueue<SqsBatchOutcome> _batches = new();

    public IReadOnlyList<int> SentBytes => [.. _sentBytes];
    public IReadOnlyList<SqsBatchOutcome> Batches => [.. _batches];

    public void Reset()
    {
        _sentBytes.Clear();
        _batches.Clear();
    }

    public void RecordSend(int bytes) => _sentBytes.Enqueue(bytes);

    public void RecordBatch(object? sender, SqsBatchOutcome outcome) => _batches.Enqueue(outcome);
}

/// <summary>The turn queue, counting each SendMessage with the size of the body SQS would bill.</summary>
public sealed class MeteredTurnQueue(ITurnQueue queue, QueueMeter meter) : ITurnQueue
{
    public Task EnqueueAsync(TurnRequest request, CancellationToken cancellationToken)
    {
        meter.RecordSend(JsonSerializer.SerializeToUtf8Bytes(request, CoreJsonContext.Wire.TurnRequest).Length);
        return queue.EnqueueAsync(request, cancellationToken);
    }
}

/// <summary>
/// One model call with its usage: streamed or not, and whether it ended asking for a tool (then another call answers).
/// </summary>
public sealed record ModelCall(bool Streamed, long InputTokens, long OutputTokens)
{
    public bool AskedForTool { get; init; }
}

/// <summary>
/// Records the usage every model call reports. The offline model answers a planning call at once; a real model takes
/// about as long to produce that output as to stream it, so the planning answer is held back for the time the same
/// output takes in the stream (first-token delay plus one token delay per word), which makes Plan's billed duration
/// honest instead of zero.
/// </summary>
public sealed class MeteredChatClient(IChatClient model, TimeSpan firstTokenDelay, TimeSpan tokenDelay) : DelegatingChatClient(model)
{
    private readonly ConcurrentQueue<ModelCall> _calls = new();

    public IReadOnlyList<ModelCall> Calls => [.. _calls];

    public void Reset() => _calls.Clear();

    public override async Task<ChatResponse> GetResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var response = await base.GetResponseAsync(messages, options, cancellationToken);
        var output = response.Usage?.OutputTokenCount ?? 0;
        await Task.Delay(firstTokenDelay + tokenDelay * output, cancellationToken);
        var askedForTool = response.Messages.Any(message => message.Contents.OfType<FunctionCallContent>().Any());
        _calls.Enqueue(new ModelCall(Streamed: false, response.Usage?.InputTokenCount ?? 0, output) { AskedForTool = askedForTool });
        return response;
    }

    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages,
        ChatOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        long input = 0, output = 0;
        var askedForTool = false;
        await foreach (var update in base.GetStreamingResponseAsync(messages, options, cancellationToken))
        {
            askedForTool |= update.Contents.OfType<FunctionCallContent>().Any();
            foreach (var usage in update.Contents.OfType<UsageContent>())
            {
                input += usage.Details.InputTokenCount ?? 0;
                output += usage.Details.OutputTokenCount ?? 0;
            }
            yield return update;
        }
        _calls.Enqueue(new ModelCall(Streamed: true, input, output) { AskedForTool = askedForTool });
    }
}
