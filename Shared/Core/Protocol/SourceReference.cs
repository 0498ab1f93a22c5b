namespace Conduit.Core.Protocol;

public sealed record SourceReference(string Source, string Title, double Score)
{
    /// <summary>
    /// The passage the model was given, so a client can show what an answer drew on; absent when it did not fit the
    /// sources frame's budget (the reference itself is kept).
    /// </summary>
    public string? Text { get; init; }
}
