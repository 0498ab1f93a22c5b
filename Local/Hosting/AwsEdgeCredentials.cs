namespace Conduit.Local.Hosting;

/// <summary>
/// Who the AWS endpoint serves, as <c>--aws-credentials</c> says: one access key (<c>&lt;accessKeyId&gt;:&lt;secret&gt;</c>),
/// whose signatures are verified, or <c>any</c> signer. Without the option only this run's own functions are served,
/// because the endpoint reaches every user's turns.
/// </summary>
public sealed record AwsEdgeCredentials(string? AccessKeyId, string? SecretAccessKey)
{
    public const string AnyKeyword = "any";

    public static AwsEdgeCredentials Any { get; } = new(null, null);

    public bool AcceptsAnyKey => AccessKeyId is null;

    public static AwsEdgeCredentials Parse(string text) =>
        text == AnyKeyword
            ? Any
            : text.Split(':', 2) is [{ Length: > 0 } id, { Length: > 0 } secret]
                ? new AwsEdgeCredentials(id, secret)
                : throw new ArgumentException(
                    $"--aws-credentials takes <accessKeyId>:<secretAccessKey>, both non-empty, or \"{AnyKeyword}\", not \"{text}\".");

    /// <summary>Keeps the secret out of logs and exception messages that print the record.</summary>
    public override string ToString() =>
        AcceptsAnyKey ? "AwsEdgeCredentials { any }" : $"AwsEdgeCredentials {{ AccessKeyId = {AccessKeyId} }}";
}
