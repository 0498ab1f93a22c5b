namespace Conduit.Aws.Lambda;

/// <summary>
/// The managed runtime's entry point, <c>Handle(Stream)</c> (a parameter of exactly <see cref="Stream"/> needs no
/// serializer and no Amazon.Lambda.Core), over <see cref="HandleAsync"/> with a deadline from the configured timeout.
/// The provided.al2023 loop and the local host call <see cref="HandleAsync"/> with deadlines of their own.
/// </summary>
public abstract class LambdaFunction : ILambdaFunction
{
    public async Task<Stream> Handle(Stream input)
    {
        var end = LambdaDeadline.FromConfiguredTimeout(AwsEnvironment.Process, TimeProvider.System);
        using var deadline = LambdaDeadline.Until(end, TimeProvider.System);
        return await HandleAsync(input, deadline.Token).ConfigureAwait(false);
    }

    public abstract Task<Stream> HandleAsync(Stream input, CancellationToken cancellationToken);
}
