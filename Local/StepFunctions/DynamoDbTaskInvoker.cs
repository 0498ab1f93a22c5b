using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Conduit.Aws;
using Conduit.Aws.Endpoints;

namespace Conduit.Local.StepFunctions;

/// <summary>
/// DynamoDB's optimized integrations (<c>arn:aws:states:::dynamodb:getItem</c>, putItem, updateItem, deleteItem) over
/// the host's own DynamoDB store: the state's Parameters are the operation's request, sent signed to the store's
/// endpoint; the result is the response with the SDK metadata, and DynamoDB's errors fail the task as
/// <c>DynamoDB.&lt;ExceptionName&gt;</c>.
/// </summary>
public sealed class DynamoDbTaskInvoker(AwsClientSettings settings, TimeProvider time) : ITaskInvoker
{
    public const string ResourcePrefix = "arn:aws:states:::dynamodb:";

    /// <summary>The resources this invoker runs, with the API operation each one calls.</summary>
    public static IReadOnlyDictionary<string, string> Operations { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        [ResourcePrefix + "getItem"] = "GetItem",
        [ResourcePrefix + "putItem"] = "PutItem",
        [ResourcePrefix + "updateItem"] = "UpdateItem",
        [ResourcePrefix + "deleteItem"] = "DeleteItem",
    };

    private readonly AwsHttp _http = new("dynamodb", settings);
    private readonly Uri _endpoint = settings.EndpointFor(AwsService.DynamoDb);

    public async Task<JsonNode?> InvokeAsync(string resource, JsonNode? parameters, CancellationToken cancellationToken)
    {
        if (!Operations.TryGetValue(resource, out var operation))
        {
            throw new ArgumentException($"This invoker runs only DynamoDB's optimized integrations, not {resource}.", nameof(resource));
        }

        if (parameters is not JsonObject request)
        {
            throw new TaskFailedException(
                StatesErrors.Runtime, $"The Parameters of a {resource} task must be an object, but were {AslJson.Serialize(parameters)}.");
        }

        var body = Encoding.UTF8.GetBytes(AslJson.Serialize(request));
        using var response = await _http.SendAsync(() =>
        {
            var content = new ByteArrayContent(body);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/x-amz-json-1.0");
            return new HttpRequestMessage(HttpMethod.Post, _endpoint)
            {
                Content = content,
                Headers = { { "X-Amz-Target", $"DynamoDB_20120810.{operation}" } },
            };
        }, HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);

        var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            var (type, message) = ErrorOf(text);
            var code = type ?? $"Http{(int)response.StatusCode}";
            throw new TaskFailedException(
                $"DynamoDB.{code}",
                $"{message ?? code} (Service: AmazonDynamoDBv2; Status Code: {(int)response.StatusCode}; Error Code: {code})");
        }

        JsonObject output;
        try
        {
            output = JsonNode.Parse(string.IsNullOrWhiteSpace(text) ? "{}" : text) as JsonObject ?? [];
        }
        catch (JsonException exception)
        {
            throw new TaskFailedException(
                "DynamoDB.SdkClientException", $"DynamoDB answered with a body that is not JSON: {exception.Message}");
        }

        return SdkResponseMetadata.AddTo(output.DeepClone().AsObject(), output, "application/x-amz-json-1.0", time);
    }

    /// <summary>The error's type (without its namespace) and message, from an AWS JSON error body.</summary>
    private static (string? Type, string? Message) ErrorOf(string body)
    {
        try
        {
            if (JsonNode.Parse(body) is not JsonObject error) return (null, null);
            var type = AslJson.TryGetString(error["__type"], out var given) ? AwsServiceException.Sanitize(given) : null;
            var message = AslJson.TryGetString(error["message"] ?? error["Message"], out var text) ? text : null;
            return (type, message);
        }
        catch (JsonException)
        {
            return (null, null);
        }
    }
}
