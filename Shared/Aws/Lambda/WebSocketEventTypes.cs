namespace Conduit.Aws.Lambda;

public static class WebSocketEventTypes
{
    public const string Connect = "CONNECT";
    public const string Disconnect = "DISCONNECT";
    public const string Message = "MESSAGE";
}
