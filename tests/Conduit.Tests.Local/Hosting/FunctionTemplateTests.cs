using Conduit.Aws;
using Conduit.Aws.DynamoDb;
using Conduit.Aws.Lambda;
using Conduit.Local.Hosting;
using Conduit.Local.Queue;

namespace Conduit.Tests.Local.Hosting;

/// <summary>The function processes' configuration, read from the repository's template.yaml itself.</summary>
public sealed class FunctionTemplateTests
{
    private static readonly LocalHostOptions Options = LocalHostOptions.Parse(
        ["--port", "5999", "--functions", "processes", "--store", "dynamodb:http://127.0.0.1:8000"]);

    private static readonly DynamoTableNames Tables = DynamoTableNames.WithPrefix("conduit-local");

    private static readonly IReadOnlyDictionary<string, string> References = FunctionProcesses.References(Options, Tables, "offline");

    public static TheoryData<string> FunctionNames => [.. ConduitFunctions.All.Select(function => function.Name)];

    [Theory]
    [MemberData(nameof(FunctionNames))]
    public void Environment_EveryVariableTheTemplateGivesAFunction_HasALocalValue(string name)
    {
        var function = ConduitFunctions.All.Single(f => f.Name == name);
        var template = FunctionProcesses.LoadTemplate();

        var environment = template.Environment(function, References, Options.ConnectionsEndpoint);

        Assert.Equal(template.VariableNames(function).Order(), environment.Keys.Order());
        Assert.All(environment, variable => Assert.False(variable.Value.Contains("${", StringComparison.Ordinal), variable.Key));
    }

    [Fact]
    public void Environment_Ingress_PointsAtThisHostAndItsTables()
    {
        var environment = FunctionProcesses.LoadTemplate().Environment(ConduitFunctions.Ingress, References, Options.ConnectionsEndpoint);

        Assert.Equal("conduit-local-connections", environment[AwsEnvironment.ConnectionsTable]);
        Assert.Equal("conduit-local-message-keys", environment[AwsEnvironment.MessageKeysTable]);
        Assert.Equal("http://127.0.0.1:5999/local", environment[AwsEnvironment.ConnectionsEndpoint]);
        Assert.Equal("http://127.0.0.1:5999/000000000000/conduit-turns", environment[AwsEnvironment.TurnQueueUrl]);
        Assert.Equal("http://127.0.0.1:5999/local/dev/jwks.json", environment[AwsEnvironment.JwksUrl]);
        Assert.Equal("http://127.0.0.1:5999,http://localhost:5999", environment[AwsEnvironment.AllowedOrigins]);
        Assert.Equal("29", environment[AwsEnvironment.FunctionTimeoutSeconds]);
        Assert.Equal(TimeSpan.FromSeconds(29), FunctionProcesses.LoadTemplate().Timeout(ConduitFunctions.Ingress));
    }

    [Fact]
    public void Environment_VariableWithNoLocalValue_StopsStartNamingFunctionAndVariable()
    {
        var template = FunctionTemplate.Parse("""
            Resources:
              IngressFunction:
                Properties:
                  Environment:
                    Variables:
                      AUDIT_BUCKET: !Ref AuditBucket
            """);

        var exception = Assert.Throws<ConfigurationException>(
            () => template.Environment(ConduitFunctions.Ingress, References, Options.ConnectionsEndpoint));

        Assert.Equal("template.yaml gives IngressFunction AUDIT_BUCKET as !Ref AuditBucket, which has no local value.", exception.Message);
    }

    [Fact]
    public void EventSource_Dispatcher_TakesBatchSizeVisibilityTimeoutAndMaxReceiveCountFromTheTemplate()
    {
        var queue = FunctionProcesses.LoadTemplate().EventSource(ConduitFunctions.Dispatcher, new QueueOptions());

        Assert.Equal((10, TimeSpan.FromSeconds(180), 5), (queue.BatchSize, queue.VisibilityTimeout, queue.MaxReceiveCount));
    }

    [Fact]
    public void EventSource_BatchingWindowTheLocalMappingLacks_IsRefused()
    {
        var template = FunctionTemplate.Parse("""
            Resources:
              DispatcherFunction:
                Properties:
                  Events:
                    Turns:
                      Type: SQS
                      Properties:
                        Queue: !GetAtt TurnQueue.Arn
                        MaximumBatchingWindowInSeconds: 5
                        FunctionResponseTypes: [ReportBatchItemFailures]
            """);

        var exception = Assert.Throws<ConfigurationException>(() => template.EventSource(ConduitFunctions.Dispatcher, new QueueOptions()));

        Assert.Contains("MaximumBatchingWindowInSeconds", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Environment_AwsSettings_PointEveryServiceAtThisHostWithThisRunsCredentials()
    {
        var credentials = FunctionCredentials.Create();

        var environment = FunctionProcesses.Environment(Options, credentials, new Dictionary<string, string> { ["MODEL_ID"] = "offline" });

        Assert.Equal("http://127.0.0.1:5999", environment["AWS_ENDPOINT_URL"]);
        Assert.Equal("http://127.0.0.1:8000", environment["AWS_ENDPOINT_URL_DYNAMODB"]);
        Assert.Equal("http://127.0.0.1:5999/local", environment["AWS_ENDPOINT_URL_APIGATEWAYMANAGEMENTAPI"]);
        Assert.Equal(credentials.AccessKeyId, environment["AWS_ACCESS_KEY_ID"]);
        Assert.Equal(credentials.SecretAccessKey, environment["AWS_SECRET_ACCESS_KEY"]);
        Assert.Equal("us-east-1", environment["AWS_REGION"]);
        Assert.Equal("offline", environment["MODEL_ID"]);
    }
}
