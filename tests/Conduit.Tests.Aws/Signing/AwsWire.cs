using System.Net;
using Amazon;
using Amazon.Runtime;
using Conduit.Aws;
using Conduit.Tests.Support;

namespace Conduit.Tests.Aws.Signing;

/// <summary>What every AWS wire test shares: the SigV4 test-suite identity, the settings that point a client at the
/// recording server, and the error answers the AWS JSON and REST-JSON protocols document.</summary>
public static class AwsWire
{
    public const string AccessKey = "AKIDEXAMPLE";
    public const string SecretKey = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

    public static AwsClientSettings Settings(RecordingAwsServer server) => new()
    {
        ServiceUrl = server.Url,
        Credentials = new BasicAWSCredentials(AccessKey, SecretKey),
        Region = RegionEndpoint.USEast1,
        MaxAttempts = 4,
        BaseDelay = TimeSpan.FromMilliseconds(1),
        MaxDelay = TimeSpan.FromMilliseconds(5),
    };

    /// <summary>Asserts a SigV4 Authorization header scoped to us-east-1 and <paramref name="signingName"/>.</summary>
    public static void AssertSignedFor(RecordedRequest request, string signingName)
    {
        var authorization = request.Header("Authorization");
        Assert.NotNull(authorization);
        Assert.StartsWith($"AWS4-HMAC-SHA256 Credential={AccessKey}/", authorization);
        Assert.Contains($"/us-east-1/{signingName}/aws4_request, SignedHeaders=", authorization);
        Assert.NotNull(request.Header("X-Amz-Date"));
    }

    /// <summary>
    /// Error answers as AWS sends them: the type in <c>__type</c> (with or without its namespace), in the
    /// <c>X-Amzn-ErrorType</c> header (with the ':' suffix some services add) or in <c>code</c>; the message in
    /// <c>message</c> or <c>Message</c>.
    /// </summary>
    public static TheoryData<string, Type, string, string> ErrorShapes => new()
    {
        { "namespaced __type", typeof(AwsNotFoundException), "ResourceNotFoundException", "The resource does not exist." },
        { "bare __type", typeof(AwsValidationException), "ValidationException", "1 validation error detected." },
        { "X-Amzn-ErrorType header", typeof(AwsAccessDeniedException), "AccessDeniedException", "User is not authorized." },
        { "code field", typeof(AwsValidationException), "InvalidArn", "Invalid Arn: 'nope'." },
        { "capitalised Message", typeof(AwsAccessDeniedException), "UnrecognizedClientException", "The security token included in the "
            + "request is invalid." },
    };

    public static ScriptedResponse ErrorShape(string shape) => shape switch
    {
        "namespaced __type" => ScriptedResponse.AwsJson(
            400, """{"__type":"com.amazonaws.service#ResourceNotFoundException","message":"The resource does not exist."}"""),
        "bare __type" => ScriptedResponse.AwsJson(400, """{"__type":"ValidationException","message":"1 validation error detected."}"""),
        "X-Amzn-ErrorType header" => ScriptedResponse.Json(403, """{"message":"User is not authorized."}""",
            new Dictionary<string, string>
            {
                ["X-Amzn-ErrorType"] = "AccessDeniedException:http://internal.amazon.com/coral/com.amazon.coral.service/",
            }),
        "code field" => ScriptedResponse.AwsJson(400, """{"code":"InvalidArn","message":"Invalid Arn: 'nope'."}"""),
        "capitalised Message" => ScriptedResponse.AwsJson(
            400,
            """{"__type":"com.amazon.coral.service#UnrecognizedClientException","Message":"The security token included in the request"""
            + """ is invalid."}"""),
        _ => throw new ArgumentOutOfRangeException(nameof(shape), shape, "No such error shape."),
    };

    /// <summary>Runs <paramref name="call"/> against the scripted error and asserts the typed exception it surfaces.</summary>
    public static async Task AssertErrorShapeAsync(
        RecordingAwsServer server, string shape, Type exceptionType, string errorType, string message, Func<Task> call)
    {
        server.Enqueue(ErrorShape(shape));

        var exception = await Assert.ThrowsAnyAsync<AwsServiceException>(call);

        Assert.IsType(exceptionType, exception);
        Assert.Equal(errorType, exception.ErrorType);
        Assert.Equal(message, exception.Message);
        Assert.Single(server.Requests);
    }

    public static ScriptedResponse Throttled() =>
        ScriptedResponse.AwsJson((int)HttpStatusCode.TooManyRequests, """{"__type":"ThrottlingException","message":"Rate exceeded"}""");

    public static ScriptedResponse InternalError() =>
        ScriptedResponse.AwsJson(
            (int)HttpStatusCode.InternalServerError, """{"__type":"InternalFailure","message":"We encountered an internal error."}""");
}
