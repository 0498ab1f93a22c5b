namespace Conduit.Core.Protocol;

/// <summary>A page of the user's conversation list, after <see cref="Cursor"/> (the previous page's <c>nextCursor</c>).</summary>
public sealed record ListSessionsCommand(string? Cursor, int Limit)
{
    public const int DefaultLimit = 20;
    public const int MaxLimit = 100;
}
