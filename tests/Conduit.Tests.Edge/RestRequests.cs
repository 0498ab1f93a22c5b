using System.Text;
using System.Text.Json.Nodes;
using Amazon;
using Amazon.Runtime;
using Amazon.Runtime.Signing;
using Conduit.Local.Edge;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Conduit.Tests.Edge;

/// <summary>REST-JSON requests as in-memory HTTP contexts, signed by the AWS SDK's own SigV4 signer, run through a REST edge.</summary>
internal static class RestRequests
{
    /// <summary>
    /// A request to <paramref name="rawPath"/> (as sent, percent-encoded) signed for <paramref name="service"/>, or unsigned.
    /// </summary>
    public static async Task<DefaultHttpContext> SendAsync(
        string method, string rawPath, string body, BasicAWSCredentials? credentials, string service = "bedrock")
    {
        var context = new DefaultHttpContext();
        var request = context.Request;
        request.Method = method;
        request.Path = PathString.FromUriComponent(rawPath);
        context.Features.Get<IHttpRequestFeature>()!.RawTarget = rawPath;
        request.Host = new HostString("127.0.0.1", 5080);
        request.ContentType = "application/json";
        var bytes = Encoding.UTF8.GetBytes(body);
        request.Body = new MemoryStream(bytes);
        request.ContentLength = bytes.Length;
        if (credentials is not null)
        {
            var signing = new AWSSigningRequest
            {
                HttpMethod = new HttpMethod(method),
                RequestUri = new Uri("http://127.0.0.1:5080" + rawPath),
                Content = bytes,
            };
            signing.Headers["Content-Type"] = "application/json";
            var signed = await AWSSigV4Signer.SignAsync(
                signing, new AWSSigV4Parameters { Credentials = credentials, Region = RegionEndpoint.USEast1, Service = service });
            foreach (var (name, value) in signed.Headers) request.Headers[name] = value;
        }
        context.Response.Body = new MemoryStream();
        return context;
    }

    /// <summary>Recognises and runs the request; an unrecognised one fails the test.</summary>
    public static async Task<(int Status, string? ErrorType, JsonObject Body)> RunAsync(AwsRestEdge edge, DefaultHttpContext context)
    {
        var match = edge.Recognize(context.Request) ?? throw new InvalidOperationException("No route claims the request.");
        await edge.HandleAsync(context, match);
        context.Response.Body.Position = 0;
        var text = await new StreamReader(context.Response.Body).ReadToEndAsync();
        var errorType = context.Response.Headers["x-amzn-ErrorType"] is { Count: > 0 } header ? header.ToString() : null;
        return (context.Response.StatusCode, errorType, JsonNode.Parse(text)!.AsObject());
    }
}
