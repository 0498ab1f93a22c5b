namespace Conduit.Aws.Lambda;

/// <summary>Names of the system attributes Conduit reads or emulates.</summary>
public static class SqsAttributeNames
{
    public const string ApproximateReceiveCount = "ApproximateReceiveCount";
    public const string SentTimestamp = "SentTimestamp";
    public const string SenderId = "SenderId";
    public const string ApproximateFirstReceiveTimestamp = "ApproximateFirstReceiveTimestamp";
}
