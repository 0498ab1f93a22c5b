using Conduit.Aws;
using Conduit.Aws.Endpoints;

namespace Conduit.Tests.Aws.Endpoints;

public sealed class ConfiguredEndpointsTests
{
    private const string ConfigPath = "/home/ops/.aws/config";

    [Fact]
    public void For_NothingConfigured_IsNull()
    {
        Assert.Null(Endpoints(new()).For(AwsService.Sqs));
    }

    [Fact]
    public void For_GlobalVariable_AppliesToEveryService()
    {
        var endpoints = Endpoints(new() { ["AWS_ENDPOINT_URL"] = "http://127.0.0.1:5080" });

        Assert.Equal(new Uri("http://127.0.0.1:5080"), endpoints.For(AwsService.StepFunctions));
        Assert.Equal(new Uri("http://127.0.0.1:5080"), endpoints.For(AwsService.BedrockRuntime));
    }

    [Theory]
    [InlineData("SQS")]
    [InlineData("SFN")]
    [InlineData("BEDROCK_RUNTIME")]
    [InlineData("BEDROCK_AGENT_RUNTIME")]
    [InlineData("APIGATEWAYMANAGEMENTAPI")]
    [InlineData("DYNAMODB")]
    public void For_ServiceVariable_WinsOverTheGlobalOneForThatServiceOnly(string serviceId)
    {
        var endpoints = Endpoints(new()
        {
            ["AWS_ENDPOINT_URL"] = "http://127.0.0.1:1",
            [$"AWS_ENDPOINT_URL_{serviceId}"] = "http://127.0.0.1:2",
        });
        var services = new[]
        {
            AwsService.Sqs, AwsService.StepFunctions, AwsService.BedrockRuntime, AwsService.BedrockAgentRuntime,
            AwsService.ApiGatewayManagementApi, AwsService.DynamoDb,
        };

        foreach (var service in services)
            Assert.Equal(service.EnvironmentId == serviceId ? 2 : 1, endpoints.For(service)!.Port);
    }

    [Fact]
    public void For_IgnoreConfiguredEndpoints_TurnsEverySettingOff()
    {
        var endpoints = Endpoints(new()
        {
            ["AWS_ENDPOINT_URL"] = "http://127.0.0.1:1",
            ["AWS_ENDPOINT_URL_SQS"] = "http://127.0.0.1:2",
            ["AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"] = "true",
        }, "[default]\nendpoint_url = http://127.0.0.1:3\n");

        Assert.Null(endpoints.For(AwsService.Sqs));
    }

    [Fact]
    public void For_ConfigFile_ServicesSectionWinsOverTheProfilesEndpointAndVariablesWinOverBoth()
    {
        const string config = """
            [profile local]
            region = us-east-1
            endpoint_url = http://127.0.0.1:3
            services = local-services

            # a comment
            [services local-services]
            sqs =
              endpoint_url = http://127.0.0.1:4
            """;

        var fromFile = Endpoints(new() { ["AWS_PROFILE"] = "local" }, config);
        var fromVariable = Endpoints(new() { ["AWS_PROFILE"] = "local", ["AWS_ENDPOINT_URL_SQS"] = "http://127.0.0.1:5" }, config);

        Assert.Equal(4, fromFile.For(AwsService.Sqs)!.Port);
        Assert.Equal(3, fromFile.For(AwsService.StepFunctions)!.Port);
        Assert.Equal(5, fromVariable.For(AwsService.Sqs)!.Port);
    }

    [Fact]
    public void For_ConfigFileNamedByVariable_IsTheOneRead()
    {
        var endpoints = new ConfiguredEndpoints(
            name => name == "AWS_CONFIG_FILE" ? "/etc/conduit/aws.ini" : null,
            path => path == "/etc/conduit/aws.ini" ? "[default]\nendpoint_url = http://127.0.0.1:6\n" : null);

        Assert.Equal(6, endpoints.For(AwsService.DynamoDb)!.Port);
    }

    [Fact]
    public void For_NotAnHttpUrl_FailsNamingTheServiceAndTheValue()
    {
        var failure = Assert.Throws<ConfigurationException>(
            () => Endpoints(new() { ["AWS_ENDPOINT_URL_SFN"] = "localhost:5080" }).For(AwsService.StepFunctions));

        Assert.Contains("SFN", failure.Message);
        Assert.Contains("localhost:5080", failure.Message);
    }

    [Theory]
    [InlineData("eu-west-1", null, "eu-west-1")]
    [InlineData(null, "eu-central-1", "eu-central-1")]
    [InlineData("eu-west-1", "eu-central-1", "eu-west-1")]
    [InlineData(null, null, null)]
    public void Region_AwsRegionThenAwsDefaultRegion(string? region, string? defaultRegion, string? expected)
    {
        var endpoints = Endpoints(new() { ["AWS_REGION"] = region, ["AWS_DEFAULT_REGION"] = defaultRegion });

        Assert.Equal(expected, endpoints.Region());
    }

    private static ConfiguredEndpoints Endpoints(Dictionary<string, string?> variables, string? configFile = null) =>
        new(name => variables.GetValueOrDefault(name) ?? (name == "HOME" ? "/home/ops" : null),
            path => path == ConfigPath ? configFile : null);
}
