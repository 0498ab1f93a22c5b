using Amazon.DynamoDBv2;
using Conduit.Aws.Endpoints;

namespace Conduit.Aws.DynamoDb;

/// <summary>The official DynamoDB client, configured from the same settings (and endpoint settings) as every client.</summary>
public static class DynamoDbClientFactory
{
    public static IAmazonDynamoDB Create(AwsClientSettings settings)
    {
        var config = new AmazonDynamoDBConfig().For(settings, AwsService.DynamoDb);
        return settings.Credentials is { } credentials ? new AmazonDynamoDBClient(credentials, config) : new AmazonDynamoDBClient(config);
    }
}
