using System.Text.Json;
using System.Text.Json.Nodes;
using Conduit.Aws.Lambda.Runtime;
using Conduit.Aws.Serialization;
using Conduit.Local.Lambda;

namespace Conduit.Local.StepFunctions;

/// <summary>
/// The <c>arn:aws:states:::lambda:invoke</c> integration, and the direct <c>arn:aws:lambda:...:function:Name</c>
/// resource, over in-process Lambda handlers: it sends <c>Parameters.Payload</c> (the direct form: the whole
/// Parameters) to the function <c>Parameters.FunctionName</c> names in any form Lambda's Invoke accepts, and reports
/// results and errors in the shapes Step Functions and the .NET Lambda runtime produce, so a workflow's
/// ResultSelector, OutputPath, Retry and Catch behave as they do on AWS.
/// </summary>
/// <remarks>
/// A local function has one version, so every version or alias qualifier runs it and reports <c>$LATEST</c>; the
/// region and account of an ARN are not compared, so a definition copied from AWS finds the function of that name.
/// </remarks>
public sealed class LambdaInvokeTaskInvoker : ITaskInvoker
{
    public const string Resource = "arn:aws:states:::lambda:invoke";

    private const string LatestVersion = "$LATEST";

    private readonly Dictionary<string, LambdaHandler> _functionsByName = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;
    private readonly string _region = "local";
    private readonly string _account = "000000000000";

    /// <param name="functionsByArn">Each function under its unqualified ARN.</param>
    /// <param name="time">The clock of the response's <c>Date</c> header.</param>
    public LambdaInvokeTaskInvoker(IReadOnlyDictionary<string, LambdaHandler> functionsByArn, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(functionsByArn);
        _time = time ?? TimeProvider.System;
        foreach (var (arn, handler) in functionsByArn)
        {
            var name = LambdaFunctionName.FromResourceArn(arn)
                ?? throw new ArgumentException($"\"{arn}\" is not a Lambda function ARN.", nameof(functionsByArn));
            _functionsByName[name.Name] = handler;
            (_region, _account) = (name.Region!, name.Account!);
        }
    }

    public async Task<JsonNode?> InvokeAsync(string resource, JsonNode? parameters, CancellationToken cancellationToken)
    {
        if (LambdaFunctionName.FromResourceArn(resource) is { } direct)
        {
            return await RunHandlerAsync(Find(direct), parameters, cancellationToken).ConfigureAwait(false);
        }

        if (resource != Resource)
        {
            throw new ArgumentException($"This invoker runs only {Resource} and Lambda function ARNs, not {resource}.", nameof(resource));
        }

        if (parameters is not JsonObject arguments || !AslJson.TryGetString(arguments["FunctionName"], out var functionName))
        {
            throw new TaskFailedException(
                StatesErrors.Runtime,
                $"The Parameters of a {Resource} task must be an object with a string FunctionName, "
                + $"but were {AslJson.Serialize(parameters)}.");
        }

        string? qualifier = null;
        if (arguments.TryGetPropertyValue("Qualifier", out var qualifierNode) && !AslJson.TryGetString(qualifierNode, out qualifier))
        {
            throw new TaskFailedException(StatesErrors.Runtime, $"The Qualifier of a {Resource} task must be a string.");
        }

        var handler = Find(LambdaFunctionName.Parse(functionName, qualifier));
        var payload = arguments.TryGetPropertyValue("Payload", out var given) ? given : new JsonObject();
        var result = await RunHandlerAsync(handler, payload, cancellationToken).ConfigureAwait(false);
        return Response(result);
    }

    private LambdaHandler Find(LambdaFunctionName function) =>
        _functionsByName.TryGetValue(function.Name, out var handler)
            ? handler
            : throw new TaskFailedException(
                "Lambda.ResourceNotFoundException",
                $"Function not found: {function.Arn(_region, _account)}"
                + (function.Qualifier is { } qualifier ? $":{qualifier}" : "")
                + " (Service: AWSLambda; Status Code: 404; Error Code: ResourceNotFoundException)");

    /// <summary>What the AWS SDK's Invoke result serializes to in Step Functions, metadata included.</summary>
    private JsonObject Response(JsonNode? payload) => SdkResponseMetadata.AddTo(
        new JsonObject { ["ExecutedVersion"] = LatestVersion, ["Payload"] = payload, ["StatusCode"] = 200 },
        payload,
        "application/json",
        _time,
        ("X-Amz-Executed-Version", LatestVersion),
        ("x-amzn-Remapped-Content-Length", "0"),
        ("X-Amzn-Trace-Id", $"Root=1-{_time.GetUtcNow().ToUnixTimeSeconds():x8}-{Guid.NewGuid().ToString("N")[..24]};Sampled=0"));

    private static async Task<JsonNode?> RunHandlerAsync(LambdaHandler handler, JsonNode? payload, CancellationToken cancellationToken)
    {
        using var request = new MemoryStream();
        var writer = new Utf8JsonWriter(request);
        await using (writer.ConfigureAwait(false))
        {
            if (payload is null) writer.WriteNullValue();
            else payload.WriteTo(writer);
        }

        request.Position = 0;

        Stream response;
        try
        {
            // The handler delegate takes no token, so cancellation can only stop waiting for it.
            response = await handler(request).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (FunctionErrorException error) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TaskFailedException(error.ErrorType, error.ErrorDocument);
        }
        catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TaskFailedException(
                exception.GetType().Name, JsonSerializer.Serialize(RuntimeError.From(exception), AwsJsonContext.Wire.RuntimeError));
        }

        await using (response.ConfigureAwait(false))
        {
            using var buffer = new MemoryStream();
            await response.CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
            return ParseResult(buffer.ToArray());
        }
    }

    private static JsonNode? ParseResult(byte[] utf8Json)
    {
        // A function that returns nothing yields an empty response, which Step Functions reports as a null Payload.
        if (utf8Json.Length == 0) return null;
        try
        {
            return JsonNode.Parse(utf8Json);
        }
        catch (JsonException exception)
        {
            throw new TaskFailedException(
                "Lambda.SdkClientException",
                $"The Lambda function returned a response that is not valid JSON: {exception.Message}");
        }
    }
}
