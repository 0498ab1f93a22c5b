using System.Text.Json.Nodes;

namespace Conduit.Local.Edge;

/// <summary>
/// A service the edge serves over the AWS JSON protocol: <c>POST /</c>, <c>X-Amz-Target: &lt;prefix&gt;.&lt;operation&gt;</c>,
/// a JSON object in and out. A service registers by being in the container; the edge finds it by its target prefix.
/// </summary>
public interface IAwsJsonService
{
    /// <summary>The X-Amz-Target prefix, the service shape's name: <c>AWSStepFunctions</c>, <c>AmazonSQS</c>.</summary>
    string TargetPrefix { get; }

    /// <summary>The SigV4 signing name clients put in the credential scope: <c>states</c>, <c>sqs</c>.</summary>
    string SigningName { get; }

    /// <summary>The Content-Type its clients send: <c>application/x-amz-json-1.0</c> or <c>-1.1</c>.</summary>
    string ContentType { get; }

    /// <summary>Runs one operation and returns its output object.</summary>
    /// <exception cref="AwsJsonException">The request is refused the way the real service refuses it.</exception>
    Task<JsonObject> InvokeAsync(string operation, JsonObject input, CancellationToken cancellationToken);
}
