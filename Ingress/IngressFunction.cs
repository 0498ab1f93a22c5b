using System.Text.Json;
using Conduit.Aws.Lambda;
using Conduit.Aws.Serialization;
using Conduit.Core.Chat;
using Conduit.Core.Observability;
using Conduit.Core.Protocol;
using Conduit.Core.Serialization;
using Microsoft.Extensions.Logging;

namespace Conduit.Ingress;

/// <summary>
/// The WebSocket API's one integration: <c>$connect</c>, <c>$disconnect</c>, <c>sendMessage</c>, <c>ping</c> and
/// <c>$default</c>. Adapts the API Gateway event to one <see cref="ChatIngress"/> call and the result back.
/// </summary>
public sealed class IngressFunction(ChatIngress ingress, FunctionTelemetry telemetry, TimeProvider time) : LambdaFunction
{
    private readonly ILogger _logger = telemetry.Loggers.CreateLogger<IngressFunction>();

    /// <summary>Lambda constructs the handler once per execution environment, through this constructor.</summary>
    public IngressFunction()
        : this(LambdaServices.Get<ChatIngress>(), LambdaServices.Get<FunctionTelemetry>(), LambdaServices.Get<TimeProvider>())
    {
    }

    /// <summary>
    /// A malformed event is answered 400 (on <c>$connect</c> that refuses the connection); a deadline reached mid-way
    /// answers 503 with a retryable error frame, which a message route passes to the client.
    /// </summary>
    public override async Task<Stream> HandleAsync(Stream input, CancellationToken cancellationToken)
    {
        WebSocketRequestEvent request;
        try
        {
            request = await LambdaJson.ReadEventAsync(input, AwsJsonContext.Wire.WebSocketRequestEvent, cancellationToken)
                .ConfigureAwait(false);
        }
        catch (MalformedEventException exception)
        {
            LambdaLog.MalformedEvent(_logger, ConduitFunctions.Ingress.Name, "API Gateway WebSocket", exception.Message);
            var unreadable = Refused(400, ErrorCodes.Internal, "The request could not be read.", retryable: false);
            return await RespondAsync(unreadable).ConfigureAwait(false);
        }
        var context = request.RequestContext;
        using var invocation = telemetry.Begin(
            ConduitFunctions.Ingress.Name, turn: null, phase: context.RouteKey, connectionId: context.ConnectionId);
        try
        {
            return await RespondAsync(context.EventType switch
            {
                WebSocketEventTypes.Connect => await ConnectAsync(request, cancellationToken).ConfigureAwait(false),
                WebSocketEventTypes.Disconnect => await DisconnectAsync(context, cancellationToken).ConfigureAwait(false),
                _ => await MessageAsync(request, cancellationToken).ConfigureAwait(false),
            }).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            LambdaLog.DeadlineReached(_logger, ConduitFunctions.Ingress.Name);
            var busy = Refused(503, ErrorCodes.Unavailable, "The service is busy; send it again.", retryable: true);
            return await RespondAsync(busy).ConfigureAwait(false);
        }
    }

    private static Task<Stream> RespondAsync(ProxyResponse response) => LambdaJson.WriteAsync(response, AwsJsonContext.Wire.ProxyResponse);

    private static ProxyResponse Refused(int status, string code, string message, bool retryable) =>
        new(status, JsonSerializer.Serialize<ServerFrame>(
            new ErrorFrame(code, message, null, retryable), CoreJsonContext.Wire.ServerFrame));

    private async Task<ProxyResponse> ConnectAsync(WebSocketRequestEvent request, CancellationToken cancellationToken)
    {
        var context = request.RequestContext;
        var connectedAt = DateTimeOffset.FromUnixTimeMilliseconds(context.ConnectedAt);
        var credentials = ConnectCredentials.Read(request.Headers, request.QueryStringParameters);
        var decision = await ingress.ConnectAsync(
            new ConnectRequest(
                context.ConnectionId,
                connectedAt,
                context.Identity?.SourceIp,
                context.Identity?.UserAgent,
                Header(request, "Origin"),
                credentials),
            cancellationToken).ConfigureAwait(false);
        return new ProxyResponse(
            decision.StatusCode,
            decision.Reason,
            decision.Subprotocol is { } protocol ? new Dictionary<string, string> { ["Sec-WebSocket-Protocol"] = protocol } : null);
    }

    /// <summary>API Gateway keeps the client's header casing, so names are matched without regard to case.</summary>
    private static string? Header(WebSocketRequestEvent request, string name) =>
        request.Headers?.FirstOrDefault(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Value;

    private async Task<ProxyResponse> DisconnectAsync(WebSocketRequestContext context, CancellationToken cancellationToken)
    {
        await ingress.DisconnectAsync(context.ConnectionId, cancellationToken).ConfigureAwait(false);
        return new ProxyResponse(200);
    }

    private async Task<ProxyResponse> MessageAsync(WebSocketRequestEvent request, CancellationToken cancellationToken)
    {
        var context = request.RequestContext;
        var frame = await ingress
            .HandleMessageAsync(context.RouteKey, context.ConnectionId, request.Body, request.IsBase64Encoded, cancellationToken)
            .ConfigureAwait(false);
        if (frame is AckFrame && context.RequestTimeEpoch > 0)
        {
            var received = DateTimeOffset.FromUnixTimeMilliseconds(context.RequestTimeEpoch);
            telemetry.Metrics.Add(MetricNames.TimeToAck, (time.GetUtcNow() - received).TotalMilliseconds, MetricUnit.Milliseconds);
        }
        return new ProxyResponse(200, frame is null ? null : JsonSerializer.Serialize(frame, CoreJsonContext.Wire.ServerFrame));
    }
}
