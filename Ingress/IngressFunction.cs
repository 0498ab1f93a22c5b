using System.Text.Json;
using Conduit.Aws.Lambda;
using Conduit.Aws.Serialization;
using Conduit.Core.Chat;
using Conduit.Core.Observability;
using Conduit.Core.Protocol;
using Conduit.Core.Serialization;

namespace Conduit.Ingress;

/// <summary>
/// The WebSocket API's one integration: <c>$connect</c>, <c>$disconnect</c>, <c>sendMessage</c>, <c>ping</c> and
/// <c>$default</c>. Adapts the API Gateway event to one <see cref="ChatIngress"/> call and the result back.
/// </summary>
public sealed class IngressFunction(ChatIngress ingress, FunctionTelemetry telemetry, TimeProvider time) : ILambdaFunction
{
    /// <summary>Lambda constructs the handler once per execution environment, through this constructor.</summary>
    public IngressFunction()
        : this(LambdaServices.Get<ChatIngress>(), LambdaServices.Get<FunctionTelemetry>(), LambdaServices.Get<TimeProvider>())
    {
    }

    public async Task<Stream> Handle(Stream input)
    {
        var request = await LambdaJson.ReadAsync(input, AwsJsonContext.Wire.WebSocketRequestEvent).ConfigureAwait(false);
        var context = request.RequestContext;
        using var invocation = telemetry.Begin(
            ConduitFunctions.Ingress.Name, turn: null, phase: context.RouteKey, connectionId: context.ConnectionId);
        var response = context.EventType switch
        {
            WebSocketEventTypes.Connect => await ConnectAsync(request).ConfigureAwait(false),
            WebSocketEventTypes.Disconnect => await DisconnectAsync(context).ConfigureAwait(false),
            _ => await MessageAsync(request).ConfigureAwait(false),
        };
        return await LambdaJson.WriteAsync(response, AwsJsonContext.Wire.ProxyResponse).ConfigureAwait(false);
    }

    private async Task<ProxyResponse> ConnectAsync(WebSocketRequestEvent request)
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
            CancellationToken.None).ConfigureAwait(false);
        return new ProxyResponse(
            decision.StatusCode,
            decision.Reason,
            decision.Subprotocol is { } protocol ? new Dictionary<string, string> { ["Sec-WebSocket-Protocol"] = protocol } : null);
    }

    /// <summary>API Gateway keeps the client's header casing, so names are matched without regard to case.</summary>
    private static string? Header(WebSocketRequestEvent request, string name) =>
        request.Headers?.FirstOrDefault(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Value;

    private async Task<ProxyResponse> DisconnectAsync(WebSocketRequestContext context)
    {
        await ingress.DisconnectAsync(context.ConnectionId, CancellationToken.None).ConfigureAwait(false);
        return new ProxyResponse(200);
    }

    private async Task<ProxyResponse> MessageAsync(WebSocketRequestEvent request)
    {
        var context = request.RequestContext;
        var frame = await ingress.HandleMessageAsync(
            context.RouteKey, context.ConnectionId, request.Body, request.IsBase64Encoded, CancellationToken.None).ConfigureAwait(false);
        if (frame is AckFrame && context.RequestTimeEpoch > 0)
        {
            var received = DateTimeOffset.FromUnixTimeMilliseconds(context.RequestTimeEpoch);
            telemetry.Metrics.Add(MetricNames.TimeToAck, (time.GetUtcNow() - received).TotalMilliseconds, MetricUnit.Milliseconds);
        }
        return new ProxyResponse(200, frame is null ? null : JsonSerializer.Serialize(frame, CoreJsonContext.Wire.ServerFrame));
    }
}
