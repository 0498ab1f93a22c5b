using Conduit.Aws;
using Conduit.Aws.Composition;
using Conduit.Aws.Lambda;
using Conduit.Ingress;
using Conduit.Workers;
using Microsoft.Extensions.DependencyInjection;

namespace Conduit.Tests.Aws.Observability;

public sealed class AwsCompositionTests
{
    private static readonly Dictionary<string, string> Deployed = new()
    {
        [AwsEnvironment.Region] = "us-east-1",
        [AwsEnvironment.ConnectionsTable] = "c",
        [AwsEnvironment.SessionsTable] = "s",
        [AwsEnvironment.TurnsTable] = "t",
        [AwsEnvironment.MessagesTable] = "m",
        [AwsEnvironment.MessageKeysTable] = "k",
        [AwsEnvironment.FramesTable] = "f",
        [AwsEnvironment.SubscriptionsTable] = "sub",
        [AwsEnvironment.RateLimitsTable] = "rl",
        [AwsEnvironment.JwksUrl] = "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Example/.well-known/jwks.json",
        [AwsEnvironment.JwtIssuer] = "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Example",
        [AwsEnvironment.JwtAudience] = "conduit-client",
        [AwsEnvironment.TurnQueueUrl] = "https://sqs.us-east-1.amazonaws.com/123456789012/turns",
        [AwsEnvironment.StateMachineArn] = "arn:aws:states:us-east-1:123456789012:stateMachine:chat-turn",
        [AwsEnvironment.ConnectionsEndpoint] = "https://abc.execute-api.us-east-1.amazonaws.com/prod",
        [AwsEnvironment.ModelId] = "us.amazon.nova-lite-v1:0",
    };

    private static ServiceProvider Compose(Dictionary<string, string> variables) => new ServiceCollection()
        .AddConduitAws(new AwsEnvironment(name => variables.GetValueOrDefault(name)), TextWriter.Null)
        .AddIngressFunction()
        .AddWorkerFunctions()
        .BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });

    [Fact]
    public void Compose_EveryVariableSet_BuildsEveryFunctionOfTheListWithoutCallingAws()
    {
        using var composition = Compose(Deployed);

        foreach (var function in ConduitFunctions.All)
            Assert.IsType(
                Type.GetType($"{function.Assembly}.{function.ClassName}, {function.Assembly}", throwOnError: true)!,
                composition.GetLambdaFunction(function));
    }

    [Theory]
    [InlineData(AwsEnvironment.TurnQueueUrl, "Ingress")]
    [InlineData(AwsEnvironment.StateMachineArn, "Dispatcher")]
    [InlineData(AwsEnvironment.ModelId, "Stream")]
    [InlineData(AwsEnvironment.ConnectionsEndpoint, "Plan")]
    [InlineData(AwsEnvironment.FramesTable, "Ingress")]
    [InlineData(AwsEnvironment.Region, "Dispatcher")]
    [InlineData(AwsEnvironment.JwksUrl, "Ingress")]
    [InlineData(AwsEnvironment.JwtAudience, "Ingress")]
    public void Compose_MissingVariable_FailsWithOneLineNamingIt(string missing, string function)
    {
        using var composition = Compose(Deployed.Where(v => v.Key != missing).ToDictionary());

        var failure = Assert.Throws<ConfigurationException>(() => Build(composition, function));

        Assert.Equal($"Environment variable {missing} is not set.", failure.Message);
    }

    [Theory]
    [InlineData(AwsEnvironment.ConnectionsEndpoint, "not a url")]
    [InlineData(AwsEnvironment.MaxTokens, "lots")]
    [InlineData(AwsEnvironment.HistoryWindow, "1")]
    [InlineData("LOG_LEVEL", "chatty")]
    public void Compose_MalformedVariable_FailsNamingItAndTheValue(string name, string value)
    {
        var variables = new Dictionary<string, string>(Deployed) { [name] = value };

        using var composition = Compose(variables);

        var failure = Assert.ThrowsAny<ConfigurationException>(() => Build(composition, "Stream"));

        Assert.Contains(name, failure.Message);
        Assert.Contains(value, failure.Message);
        Assert.DoesNotContain('\n', failure.Message);
    }

    private static ILambdaFunction Build(ServiceProvider composition, string function) =>
        composition.GetLambdaFunction(ConduitFunctions.All.Single(f => f.Name == function));
}
