using Conduit.Local.Hosting;
using Conduit.Local.StepFunctions;

namespace Conduit.Tests.Local.Hosting;

public sealed class LocalHostOptionsTests
{
    [Fact]
    public void Parse_NoArguments_GivesTheDocumentedDefaults()
    {
        var options = LocalHostOptions.Parse([]);

        Assert.Equal(5080, options.Port);
        Assert.Equal(ModelChoice.Offline, options.ModelSource);
        Assert.Equal(StoreChoice.Sqlite, options.Store);
        Assert.Equal(new LocalKnowledgeBase(null), options.KnowledgeBase);
        Assert.EndsWith(".conduit", options.DataDirectory);
        Assert.Equal(FunctionsMode.InProcess, options.Functions);
    }

    [Fact]
    public void Parse_FunctionsProcessesWithLocalDynamoDb_RunsFunctionsAsProcesses()
    {
        var options = LocalHostOptions.Parse(["--functions", "processes", "--store", "dynamodb:http://127.0.0.1:8000"]);

        Assert.Equal(FunctionsMode.Processes, options.Functions);
        Assert.Equal(FunctionsMode.InProcess, LocalHostOptions.Parse(["--functions", "in-process"]).Functions);
    }

    [Theory]
    [InlineData("--store", "sqlite")]
    [InlineData("--store", "dynamodb")]
    [InlineData("--in-memory", null)]
    public void Parse_FunctionsProcessesWithoutLocalDynamoDb_IsRefusedNamingTheStoreItNeeds(string name, string? value)
    {
        string[] args = value is null ? ["--functions", "processes", name] : ["--functions", "processes", name, value];

        var exception = Assert.Throws<ArgumentException>(() => LocalHostOptions.Parse(args));

        Assert.DoesNotContain('\n', exception.Message);
        Assert.Contains("--store dynamodb:<endpoint>", exception.Message);
    }

    [Fact]
    public void Parse_RealServices_AreRecognised()
    {
        var options = LocalHostOptions.Parse([
            "--model", "bedrock:us.anthropic.claude-3-5-haiku-20241022-v1:0",
            "--kb", "bedrock:ABCDE12345",
            "--store", "dynamodb:http://127.0.0.1:8000",
            "--region", "eu-west-1",
        ]);

        Assert.Equal(new BedrockModel("us.anthropic.claude-3-5-haiku-20241022-v1:0"), options.ModelSource);
        Assert.Equal(new BedrockKnowledgeBaseChoice("ABCDE12345"), options.KnowledgeBase);
        Assert.Equal(new DynamoDbStore(new Uri("http://127.0.0.1:8000")), options.Store);
        Assert.Equal("eu-west-1", options.Region);
    }

    [Fact]
    public void Parse_InjectFaultTwice_KeepsBothInOrder()
    {
        var options = LocalHostOptions.Parse([
            "--inject-fault", "conduit-Stream:2:Lambda.TooManyRequestsException",
            "--inject-fault", "conduit-Plan:1:Lambda.ServiceException",
        ]);

        Assert.Equal(
            [new("conduit-Stream", 2, "Lambda.TooManyRequestsException"), new("conduit-Plan", 1, "Lambda.ServiceException")],
            options.InjectedFaults);
    }

    [Fact]
    public void Parse_OpenAiModel_SplitsUrlAndModelAtTheLastHash()
    {
        var options = LocalHostOptions.Parse(["--model", "openai:http://127.0.0.1:11434/v1#llama3.2:3b"]);

        Assert.Equal(new OpenAiModel(new Uri("http://127.0.0.1:11434/v1"), "llama3.2:3b"), options.ModelSource);
    }

    [Theory]
    [InlineData("--port", "0")]
    [InlineData("--port", "http")]
    [InlineData("--model", "gpt-4")]
    [InlineData("--model", "bedrock:")]
    [InlineData("--model", "openai:http://host/v1")]
    [InlineData("--model", "openai:ftp://host/v1#m")]
    [InlineData("--kb", "bedrock:short")]
    [InlineData("--store", "postgres")]
    [InlineData("--store", "dynamodb:not a url")]
    [InlineData("--token-delay-ms", "-1")]
    [InlineData("--inject-fault", "conduit-Stream:0:Lambda.ServiceException")]
    [InlineData("--functions", "lambda")]
    [InlineData("--bogus", "1")]
    public void Parse_BadOption_ThrowsOneLineNamingIt(string name, string value)
    {
        var exception = Assert.Throws<ArgumentException>(() => LocalHostOptions.Parse([name, value]));

        Assert.DoesNotContain('\n', exception.Message);
        Assert.Contains(name == "--bogus" ? "--bogus" : name.TrimStart('-'), exception.Message);
    }

    [Fact]
    public void Parse_AllowedOrigins_ReplaceTheOwnOriginDefault()
    {
        Assert.Equal(["http://127.0.0.1:5080", "http://localhost:5080"], LocalHostOptions.Parse([]).EffectiveAllowedOrigins.Order());

        var options = LocalHostOptions.Parse(["--allowed-origin", "https://chat.example.com", "--allowed-origin", "http://127.0.0.1:3000"]);

        Assert.Equal(["http://127.0.0.1:3000", "https://chat.example.com"], options.EffectiveAllowedOrigins.Order());
    }

    [Theory]
    [InlineData("https://chat.example.com/")]
    [InlineData("https://chat.example.com/app")]
    [InlineData("*.example.com")]
    [InlineData("chat.example.com")]
    public void Parse_AllowedOriginThatIsNotAnOrigin_IsRefused(string origin) =>
        Assert.Contains(
            "--allowed-origin", Assert.Throws<ArgumentException>(() => LocalHostOptions.Parse(["--allowed-origin", origin])).Message);

    [Fact]
    public void Parse_AwsCredentials_TakesOneKeyOrAnyAndDefaultsToNeither()
    {
        Assert.Null(LocalHostOptions.Parse([]).AwsCredentials);
        Assert.True(LocalHostOptions.Parse(["--aws-credentials", "any"]).AwsCredentials!.AcceptsAnyKey);

        var key = LocalHostOptions.Parse(["--aws-credentials", "AKIDLOCAL:se:cret"]).AwsCredentials!;

        Assert.Equal(("AKIDLOCAL", "se:cret"), (key.AccessKeyId, key.SecretAccessKey));
        Assert.False(key.AcceptsAnyKey);
        Assert.DoesNotContain("se:cret", key.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("AKIDLOCAL")]
    [InlineData(":secret")]
    [InlineData("AKIDLOCAL:")]
    [InlineData("ANY")]
    public void Parse_AwsCredentialsWithoutKeyAndSecret_IsRefused(string value) =>
        Assert.Contains(
            "--aws-credentials", Assert.Throws<ArgumentException>(() => LocalHostOptions.Parse(["--aws-credentials", value])).Message);

    [Fact]
    public void Parse_OptionWithoutValue_SaysItNeedsOne() =>
        Assert.Equal("--port needs a value.", Assert.Throws<ArgumentException>(() => LocalHostOptions.Parse(["--port"])).Message);
}
