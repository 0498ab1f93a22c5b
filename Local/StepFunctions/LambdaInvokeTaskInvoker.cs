using System.Text.Json;
using System.Text.Json.Nodes;
using Conduit.Aws.Lambda.Runtime;
using Conduit.Aws.Serialization;
using Conduit.Local.Lambda;

namespace Conduit.Local.StepFunctions;

/// <summary>
/// The <c>arn:aws:states:::lambda:invoke</c> integration over in-process Lambda handlers: it sends
/// <c>Parameters.Payload</c> to the function named by <c>Parameters.FunctionName</c> and reports results and errors in
/// the shapes Step Functions and the .NET Lambda runtime produce, so a workflow's ResultSelector, OutputPath, Retry
/// and Catch behave as they do on AWS.
/// </summary>
public sealed class LambdaInvokeTaskInvoker(IReadOnlyDictionary<string, LambdaHandler> functionsByArn) : ITaskInvoker
{
    public const string Resource = "arn:aws:states:::lambda:invoke";

    public async Task<JsonNode?> InvokeAsync(string resource, JsonNode? parameters, CancellationToken cancellationToken)
    {
        if (resource != Resource)
        {
            throw new ArgumentException($"This invoker runs only {Resource}, not {resource}.", nameof(resource));
        }

        if (parameters is not JsonObject arguments || !AslJson.TryGetString(arguments["FunctionName"], out var functionArn))
        {
            throw new TaskFailedException(
                StatesErrors.Runtime,
                $"The Parameters of a {Resource} task must be an object with a string FunctionName, "
                + $"but were {AslJson.Serialize(parameters)}.");
        }

        if (!functionsByArn.TryGetValue(functionArn, out var handler))
        {
            throw new TaskFailedException("Lambda.ResourceNotFoundException", $"Function not found: {functionArn}");
        }

        var payload = arguments.TryGetPropertyValue("Payload", out var given) ? given : new JsonObject();
        var result = await RunHandlerAsync(handler, payload, cancellationToken).ConfigureAwait(false);
        return new JsonObject
        {
            ["ExecutedVersion"] = "$LATEST",
            ["Payload"] = result,
            ["StatusCode"] = 200,
        };
    }

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
