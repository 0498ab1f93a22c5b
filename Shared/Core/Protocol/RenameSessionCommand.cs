namespace Conduit.Core.Protocol;

public sealed record RenameSessionCommand(string SessionId, string Title)
{
    /// <summary>The longest title, in characters (Unicode scalar values); a title derived from a question is cut to it too.</summary>
    public const int MaxTitleLength = 120;
}
