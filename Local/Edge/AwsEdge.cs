using System.Collections.Frozen;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Conduit.Local.Edge;

/// <summary>
/// One endpoint for AWS APIs, as <c>AWS_ENDPOINT_URL</c> expects: it recognises the service a request is for, checks
/// its SigV4 signature for that service, and answers in the AWS wire shapes, errors included. The AWS JSON services
/// form a table keyed by their X-Amz-Target prefix; a service joins it by registering an <see cref="IAwsJsonService"/>.
/// </summary>
/// <remarks>
/// REST-style services (a path per operation, such as @connections) map their own routes and check signatures with
/// the same <see cref="Verifier"/>, so the host's one port serves them too.
/// </remarks>
public sealed class AwsEdge
{
    /// <summary>Larger than any JSON request the served APIs allow (a 1 MB definition, JSON-escaped), so only garbage is cut off.</summary>
    public const int MaxRequestBytes = 4 * 1024 * 1024;

    private const string FallbackContentType = "application/x-amz-json-1.0";

    private readonly FrozenDictionary<string, IAwsJsonService> _jsonServices;
    private readonly ILogger<AwsEdge> _logger;

    /// <exception cref="ArgumentException">Two services claim the same target prefix.</exception>
    public AwsEdge(IEnumerable<IAwsJsonService> jsonServices, SigV4Verifier verifier, ILogger<AwsEdge> logger)
    {
        var byPrefix = new Dictionary<string, IAwsJsonService>(StringComparer.Ordinal);
        foreach (var service in jsonServices)
        {
            if (!byPrefix.TryAdd(service.TargetPrefix, service))
                throw new ArgumentException(
                    $"Two AWS JSON services claim the X-Amz-Target prefix {service.TargetPrefix}.", nameof(jsonServices));
        }
        _jsonServices = byPrefix.ToFrozenDictionary(StringComparer.Ordinal);
        Verifier = verifier;
        _logger = logger;
    }

    public SigV4Verifier Verifier { get; }

    /// <summary>The X-Amz-Target prefixes served, for messages and the start-up banner.</summary>
    public IReadOnlyCollection<string> JsonTargetPrefixes => _jsonServices.Keys;

    /// <summary>The service and operation an X-Amz-Target names, or null when no registered service has its prefix.</summary>
    public AwsJsonTarget? Recognize(string? target)
    {
        if (target is null || target.Split('.') is not [var prefix, { Length: > 0 } operation]) return null;
        return _jsonServices.TryGetValue(prefix, out var service) ? new AwsJsonTarget(service, operation) : null;
    }

    /// <summary>Serves one <c>POST /</c>: recognise, authenticate, parse, run; every refusal is an AWS JSON error.</summary>
    public async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var targetHeader = request.Headers["X-Amz-Target"].ToString();
        var target = Recognize(targetHeader);
        var contentType = target?.Service.ContentType ?? FallbackContentType;
        try
        {
            var output = await InvokeAsync(context, targetHeader, target).ConfigureAwait(false);
            context.Response.StatusCode = StatusCodes.Status200OK;
            context.Response.ContentType = contentType;
            context.Response.Headers["x-amzn-RequestId"] = Guid.NewGuid().ToString();
            await context.Response.WriteAsync(output.ToJsonString(), context.RequestAborted).ConfigureAwait(false);
        }
        catch (AwsJsonException error)
        {
            context.Response.Headers["x-amzn-RequestId"] = Guid.NewGuid().ToString();
            await AwsJsonErrors.WriteAsync(context.Response, error, contentType).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !context.RequestAborted.IsCancellationRequested)
        {
            // A fault here is the emulator's, not the caller's: say so in the service's words rather than drop the connection.
            EdgeLog.OperationFailed(_logger, exception, targetHeader);
            var failure = new AwsJsonException(500, $"{AwsJsonException.CoralNamespace}#InternalFailure", exception.Message);
            if (!context.Response.HasStarted) await AwsJsonErrors.WriteAsync(context.Response, failure, contentType).ConfigureAwait(false);
        }
    }

    private async Task<JsonObject> InvokeAsync(HttpContext context, string targetHeader, AwsJsonTarget? target)
    {
        if (target is null)
        {
            throw AwsJsonException.UnknownOperation(targetHeader.Length == 0
                ? "A POST to / needs an X-Amz-Target header naming the operation, e.g. AWSStepFunctions.ListStateMachines."
                : $"X-Amz-Target '{targetHeader}' names no service this endpoint serves; "
                    + $"it serves {string.Join(", ", JsonTargetPrefixes)}.");
        }

        var request = context.Request;
        var signingName = target.Service.SigningName;
        if (Verifier.Precheck(request, signingName) is { } early) throw AwsJsonException.RefusedSignature(early);
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var mediaType)
            || !string.Equals(mediaType.MediaType, target.Service.ContentType, StringComparison.OrdinalIgnoreCase))
        {
            throw AwsJsonException.UnknownOperation(
                $"{targetHeader} takes Content-Type {target.Service.ContentType}, not '{request.ContentType}'.");
        }

        var body = await ReadBodyAsync(context).ConfigureAwait(false);
        if (body.Length > MaxRequestBytes)
            throw new AwsJsonException(413, $"{AwsJsonException.CoralNamespace}#RequestEntityTooLargeException", "Request is too large.");
        if (Verifier.Verify(request, body.Span, signingName) is { } refusal) throw AwsJsonException.RefusedSignature(refusal);

        return await target.Service.InvokeAsync(target.Operation, ParseObject(body), context.RequestAborted).ConfigureAwait(false);
    }

    private static JsonObject ParseObject(ReadOnlyMemory<byte> body)
    {
        if (body.IsEmpty) return [];
        try
        {
            return JsonNode.Parse(body.Span) as JsonObject
                ?? throw AwsJsonException.Serialization("The request body must be a JSON object.");
        }
        catch (JsonException exception)
        {
            throw AwsJsonException.Serialization($"The request body is not valid JSON: {exception.Message}");
        }
    }

    /// <summary>At most one byte more than <see cref="MaxRequestBytes"/>: enough to tell that it is too large, no more.</summary>
    internal static async Task<ReadOnlyMemory<byte>> ReadBodyAsync(HttpContext context)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while (buffer.Length <= MaxRequestBytes
               && (read = await context.Request.Body.ReadAsync(chunk, context.RequestAborted).ConfigureAwait(false)) > 0)
            buffer.Write(chunk, 0, read);
        return buffer.ToArray();
    }
}
