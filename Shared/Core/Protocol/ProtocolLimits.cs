namespace Conduit.Core.Protocol;

/// <summary>
/// What the protocol accepts and the sizes every server frame is built to fit. Sizes are of the frame as posted:
/// its serialised JSON in UTF-8, escapes included (the wire encoder writes a character outside the Basic
/// Multilingual Plane, an emoji, as a 12-byte surrogate-pair escape).
/// </summary>
public sealed record ProtocolLimits
{
    public const int DefaultMaxTextLength = 16_000;

    /// <summary>API Gateway's message payload quota: the largest route response or @connections post.</summary>
    public const int MaxMessageBytes = 128 * 1024;

    /// <summary>API Gateway's WebSocket frame quota; every frame of a session's stream is built to fit it whole.</summary>
    public const int MaxFrameBytes = 32 * 1024;

    /// <summary>The text of one token frame, live or joined on replay, leaving room for the rest of the frame.</summary>
    public const int MaxTokenTextBytes = 16 * 1024;

    /// <summary>A whole sources frame; passages past it are left out and counted in <c>omitted</c>.</summary>
    public const int MaxSourcesBytes = 16 * 1024;

    /// <summary>A whole history page, well inside <see cref="MaxMessageBytes"/>.</summary>
    public const int MaxPageBytes = 96 * 1024;

    /// <summary>Longest accepted message text, counted in Unicode scalar values (what a person calls characters).</summary>
    public int MaxTextLength { get; init; } = DefaultMaxTextLength;
}
