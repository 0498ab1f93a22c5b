namespace Conduit.Local.Edge;

/// <summary>
/// A service the edge serves over the REST-JSON protocol: an operation per method and path (Bedrock's
/// <c>POST /model/{modelId}/converse</c>), a JSON body in, the answer written by the operation itself so that it can
/// stream. A service registers by being in the container; the edge finds it by its routes.
/// </summary>
public interface IAwsRestService
{
    /// <summary>The SigV4 signing name clients put in the credential scope: <c>bedrock</c> for both Bedrock runtimes.</summary>
    string SigningName { get; }

    IReadOnlyList<AwsRestRoute> Routes { get; }
}
