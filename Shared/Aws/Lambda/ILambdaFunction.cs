namespace Conduit.Aws.Lambda;

/// <summary>
/// A Lambda entry point: event JSON in, result JSON out, cancelled shortly before the invocation's deadline so the
/// function can stop cleanly and report instead of being killed mid-write.
/// </summary>
public interface ILambdaFunction
{
    Task<Stream> HandleAsync(Stream input, CancellationToken cancellationToken);
}
