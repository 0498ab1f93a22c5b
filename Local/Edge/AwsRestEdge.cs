using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;

namespace Conduit.Local.Edge;

/// <summary>
/// The REST-JSON half of the edge: requests recognised by method and path rather than by X-Amz-Target, signed for
/// their service's signing name and checked by the same <see cref="SigV4Verifier"/> as the JSON services.
/// A path no service claims is left to the host, so the chat page and the host's own routes keep working.
/// </summary>
public sealed class AwsRestEdge
{
    private readonly IReadOnlyList<IAwsRestService> _services;
    private readonly SigV4Verifier _verifier;
    private readonly ILogger<AwsRestEdge> _logger;

    /// <exception cref="ArgumentException">Two routes share a method and path template.</exception>
    public AwsRestEdge(IEnumerable<IAwsRestService> services, SigV4Verifier verifier, ILogger<AwsRestEdge> logger)
    {
        _services = [.. services];
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var route in _services.SelectMany(s => s.Routes))
        {
            if (!seen.Add($"{route.Method} {route.PathTemplate}"))
                throw new ArgumentException($"Two REST services claim {route.Method} {route.PathTemplate}.", nameof(services));
        }
        _verifier = verifier;
        _logger = logger;
    }

    /// <summary>The route a request is for, from its raw (still percent-encoded) path, or null when no service has it.</summary>
    public AwsRestMatch? Recognize(HttpRequest request)
    {
        var rawPath = (request.HttpContext.Features.Get<IHttpRequestFeature>()?.RawTarget ?? request.Path.Value ?? "/").Split('?', 2)[0];
        var segments = rawPath.Trim('/').Split('/');
        foreach (var service in _services)
        {
            foreach (var route in service.Routes)
            {
                if (route.Match(request.Method, segments) is { } labels) return new AwsRestMatch(service, route, labels);
            }
        }
        return null;
    }

    /// <summary>Authenticates and parses a recognised request, then lets its operation answer; refusals are REST-JSON errors.</summary>
    public async Task HandleAsync(HttpContext context, AwsRestMatch match)
    {
        context.Response.Headers["x-amzn-RequestId"] = Guid.NewGuid().ToString();
        try
        {
            var body = await ReadAsync(context, match.Service.SigningName).ConfigureAwait(false);
            await match.Route.HandleAsync(new AwsRestRequest(context, match.Labels, body)).ConfigureAwait(false);
        }
        catch (AwsRestException error) when (!context.Response.HasStarted)
        {
            await AwsRestErrors.WriteAsync(context.Response, error).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !context.RequestAborted.IsCancellationRequested)
        {
            // A fault here is the emulator's, not the caller's: say so in the service's words rather than drop the connection.
            EdgeLog.OperationFailed(_logger, exception, $"{context.Request.Method} {match.Route.PathTemplate}");
            if (!context.Response.HasStarted)
                await AwsRestErrors.WriteAsync(context.Response, AwsRestException.Internal(exception.Message)).ConfigureAwait(false);
        }
    }

    private async Task<JsonObject> ReadAsync(HttpContext context, string signingName)
    {
        var request = context.Request;
        if (_verifier.Precheck(request, signingName) is { } early) throw AwsRestException.RefusedSignature(early);
        var body = await AwsEdge.ReadBodyAsync(context).ConfigureAwait(false);
        if (body.Length > AwsEdge.MaxRequestBytes) throw new AwsRestException(413, "ValidationException", "Request is too large.");
        if (_verifier.Verify(request, body.Span, signingName) is { } refusal) throw AwsRestException.RefusedSignature(refusal);
        if (body.IsEmpty) return [];
        try
        {
            return JsonNode.Parse(body.Span) as JsonObject
                ?? throw new AwsRestException(400, "SerializationException", "The request body must be a JSON object.");
        }
        catch (JsonException exception)
        {
            throw new AwsRestException(400, "SerializationException", $"The request body is not valid JSON: {exception.Message}");
        }
    }
}
