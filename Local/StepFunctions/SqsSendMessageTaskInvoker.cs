using System.Text.Json.Nodes;
using Conduit.Local.Edge;

namespace Conduit.Local.StepFunctions;

/// <summary>
/// The <c>arn:aws:states:::sqs:sendMessage</c> integration over the host's own SQS service: the state's Parameters are
/// SendMessage's request (a JSON MessageBody is sent as its text, as Step Functions does), the result is SendMessage's
/// response with the SDK metadata, and SQS's errors fail the task as <c>SQS.&lt;Code&gt;Exception</c>.
/// </summary>
public sealed class SqsSendMessageTaskInvoker(IAwsJsonService sqs, TimeProvider time) : ITaskInvoker
{
    public const string Resource = "arn:aws:states:::sqs:sendMessage";

    public async Task<JsonNode?> InvokeAsync(string resource, JsonNode? parameters, CancellationToken cancellationToken)
    {
        if (resource != Resource) throw new ArgumentException($"This invoker runs only {Resource}, not {resource}.", nameof(resource));
        if (parameters is not JsonObject arguments)
        {
            throw new TaskFailedException(
                StatesErrors.Runtime, $"The Parameters of a {Resource} task must be an object, but were {AslJson.Serialize(parameters)}.");
        }

        var request = arguments.DeepClone().AsObject();
        if (request["MessageBody"] is { } body && AslJson.KindOf(body) != System.Text.Json.JsonValueKind.String)
        {
            request["MessageBody"] = AslJson.Serialize(body);
        }

        JsonObject response;
        try
        {
            response = await sqs.InvokeAsync("SendMessage", request, cancellationToken).ConfigureAwait(false);
        }
        catch (AwsJsonException refused)
        {
            var code = refused.ErrorCode;
            throw new TaskFailedException(
                $"SQS.{code}{(code.EndsWith("Exception", StringComparison.Ordinal) ? "" : "Exception")}",
                $"{refused.Message} (Service: AmazonSQS; Status Code: {refused.StatusCode}; Error Code: {code})");
        }

        return SdkResponseMetadata.AddTo(response.DeepClone().AsObject(), response, "application/x-amz-json-1.0", time);
    }
}
