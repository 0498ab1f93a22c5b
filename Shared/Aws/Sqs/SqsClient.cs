using Conduit.Aws.Serialization;

namespace Conduit.Aws.Sqs;

/// <summary>
/// Amazon SQS over the AWS JSON 1.0 protocol: every call is a POST to the service root naming its operation in
/// <c>X-Amz-Target</c>; the queue URL travels in the body, never in the path.
/// </summary>
public sealed class SqsClient
{
    public const string SigningName = "sqs";

    private readonly AwsHttp _http;
    private readonly Uri _endpoint;

    public SqsClient(AwsClientSettings settings)
    {
        _http = new AwsHttp(SigningName, settings);
        _endpoint = settings.EndpointFor("sqs");
    }

    public Task<SqsSendResult> SendMessageAsync(SqsSendRequest request, CancellationToken cancellationToken) =>
        _http.CallJson10Async(
            _endpoint,
            "AmazonSQS.SendMessage",
            request,
            AwsJsonContext.Wire.SqsSendRequest,
            AwsJsonContext.Wire.SqsSendResult,
            cancellationToken);
}
