namespace Conduit.Core.Protocol;

/// <summary>Either a parsed client message or the error frame that explains why it is not one.</summary>
public readonly record struct Parsed<T>(T? Value, ErrorFrame? Error) where T : class
{
    public static Parsed<T> Ok(T value) => new(value, null);

    public static Parsed<T> Fail(ErrorFrame error) => new(null, error);
}
