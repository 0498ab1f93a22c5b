using Amazon.DynamoDBv2;
using Conduit.Aws.Endpoints;

namespace Conduit.Aws.DynamoDb;

/// <summary>The official DynamoDB client, configured from the same settings (and endpoint settings) as every client.</summary>
public static class DynamoDbClientFactory
{
    public static IAmazonDynamoDB Create(AwsClientSettings settings)
    {
        var config = new AmazonDynamoDBConfig();
        if ((settings.ServiceUrl ?? settings.Endpoints.For(AwsService.DynamoDb)) is { } serviceUrl)
        {
            config.ServiceURL = serviceUrl.AbsoluteUri;
            config.AuthenticationRegion = settings.Region.SystemName;
        }
        else
        {
            config.RegionEndpoint = settings.Region;
        }
        return settings.Credentials is { } credentials ? new AmazonDynamoDBClient(credentials, config) : new AmazonDynamoDBClient(config);
    }
}
