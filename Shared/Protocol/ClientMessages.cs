namespace Conduit.Shared.Protocol;

/// <summary>Route keys as API Gateway selects them with <c>$request.body.action</c>.</summary>
public static class RouteKeys
{
    public const string Connect = "$connect";
    public const string Disconnect = "$disconnect";
    public const string Default = "$default";
    public const string SendMessage = "sendMessage";
    public const string Ping = "ping";
    public const string Resume = "resume";
    public const string Cancel = "cancel";
    public const string History = "history";

    /// <summary>The custom routes the WebSocket API declares; any other action goes to <see cref="Default"/>.</summary>
    public static IReadOnlySet<string> MessageRoutes { get; } = new HashSet<string>(StringComparer.Ordinal) { SendMessage, Ping, Resume, Cancel, History };
}

public sealed record SendMessageCommand(string RequestId, string? SessionId, string Text);

public sealed record ResumeCommand(string SessionId, long AfterSeq);

public sealed record CancelCommand(string RequestId);

public sealed record HistoryQuery(string SessionId, long AfterSeq, long AfterIndex, int Limit)
{
    public const int DefaultLimit = 100;
    public const int MaxLimit = 500;
}
