using Amazon.SQS;
using Conduit.Aws.Endpoints;

namespace Conduit.Aws.Sqs;

/// <summary>The official SQS client, configured from the same settings as the hand-written clients.</summary>
public static class SqsClientFactory
{
    public static IAmazonSQS Create(AwsClientSettings settings)
    {
        var config = new AmazonSQSConfig { MaxErrorRetry = settings.MaxAttempts - 1, Timeout = settings.AttemptTimeout }
            .For(settings, AwsService.Sqs);
        return settings.Credentials is { } credentials ? new AmazonSQSClient(credentials, config) : new AmazonSQSClient(config);
    }
}
