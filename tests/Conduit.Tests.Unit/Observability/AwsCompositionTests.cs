using Conduit.Shared.Aws;

namespace Conduit.Tests.Unit.Observability;

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

    private static AwsComposition Compose(Dictionary<string, string> variables) =>
        new(new AwsEnvironment(name => variables.GetValueOrDefault(name)), TextWriter.Null, TimeProvider.System);

    [Fact]
    public void Compose_EveryVariableSet_BuildsEachEntryPointWithoutCallingAws()
    {
        var composition = Compose(Deployed);

        Assert.NotNull(composition.Ingress());
        Assert.NotNull(composition.Dispatcher());
        Assert.NotNull(composition.Workflow());
    }

    [Theory]
    [InlineData(AwsEnvironment.TurnQueueUrl, "ingress")]
    [InlineData(AwsEnvironment.StateMachineArn, "dispatcher")]
    [InlineData(AwsEnvironment.ModelId, "workflow")]
    [InlineData(AwsEnvironment.ConnectionsEndpoint, "workflow")]
    [InlineData(AwsEnvironment.FramesTable, "ingress")]
    [InlineData(AwsEnvironment.Region, "dispatcher")]
    [InlineData(AwsEnvironment.JwksUrl, "ingress")]
    [InlineData(AwsEnvironment.JwtAudience, "ingress")]
    public void Compose_MissingVariable_FailsWithOneLineNamingIt(string missing, string entryPoint)
    {
        var composition = Compose(Deployed.Where(v => v.Key != missing).ToDictionary());

        var failure = Assert.Throws<ConfigurationException>(() => Build(composition, entryPoint));

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

        var failure = Assert.ThrowsAny<ConfigurationException>(() => Build(Compose(variables), "workflow"));

        Assert.Contains(name, failure.Message);
        Assert.Contains(value, failure.Message);
        Assert.DoesNotContain('\n', failure.Message);
    }

    private static object Build(AwsComposition composition, string entryPoint) => entryPoint switch
    {
        "ingress" => composition.Ingress(),
        "dispatcher" => composition.Dispatcher(),
        _ => composition.Workflow(),
    };
}
