namespace Conduit.Aws.Lambda;

/// <summary>
/// A Lambda entry point: event JSON in, result JSON out. With a parameter of exactly <see cref="Stream"/> the
/// managed runtime needs no serializer and no Amazon.Lambda.Core; the provided.al2023 loop calls the same method.
/// </summary>
public interface ILambdaFunction
{
    Task<Stream> Handle(Stream input);
}
