namespace Conduit.Aws.DynamoDb;

/// <summary>Attribute names as stored; camelCase like the protocol's JSON.</summary>
public static class AttributeNames
{
    public const string ConnectionId = "connectionId";
    public const string ConnectedAt = "connectedAt";
    public const string SourceIp = "sourceIp";
    public const string UserAgent = "userAgent";
    public const string SessionId = "sessionId";
    public const string RequestId = "requestId";
    public const string CreatedAt = "createdAt";
    public const string UpdatedAt = "updatedAt";
    public const string ExpiresAt = "expiresAt";
    public const string LastSeq = "lastSeq";
    public const string LastIndex = "lastIndex";
    public const string ActiveTurn = "activeTurn";
    public const string ActiveTurnUntil = "activeTurnUntil";
    public const string Text = "text";
    public const string Status = "status";
    public const string ErrorCode = "errorCode";
    public const string CancelRequested = "cancelRequested";
    public const string Attempt = "attempt";
    public const string RunId = "runId";
    public const string Index = "index";
    public const string Role = "role";
    public const string MessageKey = "messageKey";
    public const string Seq = "seq";
    public const string Json = "json";
    public const string DeliveredSeq = "deliveredSeq";
    public const string LeaseOwner = "leaseOwner";
    public const string LeaseUntil = "leaseUntil";
    public const string UserId = "userId";
    public const string OwnerId = "ownerId";
    public const string Signal = "signal";
    public const string Title = "title";

    /// <summary>KEY is a DynamoDB reserved word; every expression here names attributes through placeholders anyway.</summary>
    public const string RateLimitKey = "key";
    public const string Tokens = "tokens";
    public const string Version = "version";
}
