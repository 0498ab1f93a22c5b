using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using Conduit.Local.Lambda;
using Conduit.Tests.Support;

namespace Conduit.Tests.Gateway;

/// <summary>
/// Stands in for the Ingress function behind the gateway: records every event it is invoked with, in order, and
/// answers each with <see cref="Answer"/>, whose exception is the handler failing.
/// </summary>
public sealed class ScriptedIngress
{
    private readonly Channel<JsonElement> _events = Channel.CreateUnbounded<JsonElement>();

    /// <summary>
    /// What the handler returns, as a proxy response document. By default it accepts every connection (choosing
    /// <c>conduit.v1</c> when the client offers it, as Ingress does), answers ping with pong, and tells any other
    /// message which route it arrived on.
    /// </summary>
    public Func<JsonElement, string> Answer { get; set; } = DefaultAnswer;

    public LambdaHandler Handler => HandleAsync;

    public static string Proxy(int statusCode, JsonObject? body = null, IReadOnlyDictionary<string, string>? headers = null)
    {
        var response = new JsonObject { ["statusCode"] = statusCode };
        if (body is not null) response["body"] = body.ToJsonString();
        if (headers is not null)
            response["headers"] = new JsonObject([.. headers.Select(h => KeyValuePair.Create(h.Key, (JsonNode?)h.Value))]);
        return response.ToJsonString();
    }

    public static string RouteKey(JsonElement @event) => @event.GetProperty("requestContext").GetProperty("routeKey").GetString()!;

    /// <summary>The next event the gateway sent, in the order it sent them.</summary>
    public async Task<JsonElement> NextEventAsync()
    {
        using var timeout = new CancellationTokenSource(ChatConnection.DefaultPatience);
        return await _events.Reader.ReadAsync(timeout.Token);
    }

    private static string DefaultAnswer(JsonElement @event)
    {
        var route = RouteKey(@event);
        if (route == "$connect")
        {
            var offered = @event.GetProperty("headers").TryGetProperty("Sec-WebSocket-Protocol", out var protocols)
                && protocols.GetString()!.Split(',', StringSplitOptions.TrimEntries).Contains("conduit.v1");
            return Proxy(200, headers: offered ? new Dictionary<string, string> { ["Sec-WebSocket-Protocol"] = "conduit.v1" } : null);
        }
        return route == "ping"
            ? Proxy(200, new JsonObject { ["type"] = "pong" })
            : Proxy(200, new JsonObject { ["type"] = "routed", ["route"] = route });
    }

    private async Task<Stream> HandleAsync(Stream input)
    {
        using var document = await JsonDocument.ParseAsync(input);
        var @event = document.RootElement.Clone();
        _events.Writer.TryWrite(@event);
        return new MemoryStream(Encoding.UTF8.GetBytes(Answer(@event)));
    }
}
