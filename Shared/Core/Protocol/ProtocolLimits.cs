namespace Conduit.Core.Protocol;

public sealed record ProtocolLimits
{
    public const int DefaultMaxTextLength = 16_000;

    /// <summary>Longest accepted message text, counted in Unicode scalar values (what a person calls characters).</summary>
    public int MaxTextLength { get; init; } = DefaultMaxTextLength;
}
