namespace Conduit.Core.Protocol;

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
    public const string ListSessions = "listSessions";
    public const string RenameSession = "renameSession";
    public const string DeleteSession = "deleteSession";

    /// <summary>The custom routes the WebSocket API declares; any other action goes to <see cref="Default"/>.</summary>
    public static IReadOnlySet<string> MessageRoutes { get; } =
        new HashSet<string>(StringComparer.Ordinal)
        {
            SendMessage, Ping, Resume, Cancel, History, ListSessions, RenameSession, DeleteSession,
        };
}
