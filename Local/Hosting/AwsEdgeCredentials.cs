namespace Conduit.Local.Hosting;

/// <summary>The one access key the AWS endpoint accepts, given as <c>--aws-credentials &lt;accessKeyId&gt;:&lt;secret&gt;</c>.</summary>
public sealed record AwsEdgeCredentials(string AccessKeyId, string SecretAccessKey)
{
    public static AwsEdgeCredentials Parse(string text) =>
        text.Split(':', 2) is [{ Length: > 0 } id, { Length: > 0 } secret]
            ? new AwsEdgeCredentials(id, secret)
            : throw new ArgumentException("--aws-credentials takes <accessKeyId>:<secretAccessKey>, both non-empty.");

    /// <summary>Keeps the secret out of logs and exception messages that print the record.</summary>
    public override string ToString() => $"AwsEdgeCredentials {{ AccessKeyId = {AccessKeyId} }}";
}
