using System.Security.Cryptography;
using Conduit.Aws;
using Conduit.Aws.Composition;
using Conduit.Core.Chat;
using Conduit.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using static Conduit.Tests.Support.JwtTestTokens;

namespace Conduit.Tests.Aws.Identity;

/// <summary>The deployed composition's JWKS source reports a failed key fetch in the function's log.</summary>
public sealed class JwksCompositionTests
{
    [Fact]
    public async Task Authenticate_JwksEndpointFailing_RefusesAndLogsTheFailedFetch()
    {
        await using var server = await RecordingAwsServer.StartAsync();
        server.Enqueue(ScriptedResponse.Json(500, """{"message":"down"}"""));
        var log = new StringWriter();
        var variables = new Dictionary<string, string>
        {
            [AwsEnvironment.Region] = "us-east-1",
            [AwsEnvironment.JwksUrl] = new Uri(server.Url, "/jwks.json").AbsoluteUri,
            [AwsEnvironment.JwtIssuer] = Issuer,
            [AwsEnvironment.JwtAudience] = Audience,
        };
        await using var services = new ServiceCollection()
            .AddConduitAws(new AwsEnvironment(variables.GetValueOrDefault), log)
            .BuildServiceProvider();
        using var rsa = RSA.Create(2048);
        var token = Rs256(rsa, Header("RS256", "rsa-1"), ClaimsExpiringAt("user-1", Issuer, Audience, DateTimeOffset.UtcNow.AddMinutes(5)));

        var authentication = await services.GetRequiredService<IConnectionAuthenticator>().AuthenticateAsync(token, CancellationToken.None);

        Assert.Null(authentication.UserId);
        Assert.Contains("Fetching JWKS", log.ToString(), StringComparison.Ordinal);
        Assert.NotEmpty(server.Requests);
    }
}
