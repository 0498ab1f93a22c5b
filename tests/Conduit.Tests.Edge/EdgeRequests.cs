using System.Text;
using System.Text.Json.Nodes;
using Amazon;
using Amazon.Runtime;
using Amazon.Runtime.Signing;
using Conduit.Local.Edge;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging.Abstractions;

namespace Conduit.Tests.Edge;

/// <summary>AWS JSON requests as in-memory HTTP contexts, signed by the AWS SDK's own SigV4 signer, run through an edge.</summary>
internal static class EdgeRequests
{
    public const string ContentType = "application/x-amz-json-1.0";

    public static AwsEdge Edge(SigV4Verifier verifier, params IAwsJsonService[] services) =>
        new(services, verifier, NullLogger<AwsEdge>.Instance);

    /// <summary>A POST / signed with <paramref name="credentials"/> for <paramref name="service"/>, or unsigned when null.</summary>
    public static async Task<DefaultHttpContext> PostAsync(
        string target, string body, BasicAWSCredentials? credentials, string service = "states", string contentType = ContentType)
    {
        var context = new DefaultHttpContext();
        var request = context.Request;
        request.Method = "POST";
        request.Path = "/";
        context.Features.Get<IHttpRequestFeature>()!.RawTarget = "/";
        request.Host = new HostString("127.0.0.1", 5080);
        request.ContentType = contentType;
        request.Headers["X-Amz-Target"] = target;
        var bytes = Encoding.UTF8.GetBytes(body);
        request.Body = new MemoryStream(bytes);
        request.ContentLength = bytes.Length;
        if (credentials is not null)
        {
            var signing = new AWSSigningRequest
            {
                HttpMethod = HttpMethod.Post,
                RequestUri = new Uri("http://127.0.0.1:5080/"),
                Content = bytes,
            };
            signing.Headers["X-Amz-Target"] = target;
            signing.Headers["Content-Type"] = contentType;
            var signed = await AWSSigV4Signer.SignAsync(
                signing, new AWSSigV4Parameters { Credentials = credentials, Region = RegionEndpoint.USEast1, Service = service });
            foreach (var (name, value) in signed.Headers) request.Headers[name] = value;
        }
        context.Response.Body = new MemoryStream();
        return context;
    }

    public static async Task<(int Status, JsonObject Body)> RunAsync(AwsEdge edge, DefaultHttpContext context)
    {
        await edge.HandleAsync(context);
        context.Response.Body.Position = 0;
        var text = await new StreamReader(context.Response.Body).ReadToEndAsync();
        return (context.Response.StatusCode, JsonNode.Parse(text)!.AsObject());
    }
}
