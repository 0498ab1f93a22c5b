namespace Conduit.Local.Lambda;

public enum RuntimePostKind
{
    Response,
    Error,
    InitError,
}
