using System.Text.Json;
using System.Text.Json.Serialization;

namespace Conduit.Shared.Protocol;

/// <summary>
/// A server → client frame. Serialized through <see cref="ServerFrame"/> so the JSON carries its <c>type</c>.
/// Frames that belong to a session's stream carry <c>seq</c>: per session, from 1, rising by exactly 1.
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "type")]
[JsonDerivedType(typeof(AckFrame), "ack")]
[JsonDerivedType(typeof(StatusFrame), "status")]
[JsonDerivedType(typeof(TokenFrame), "token")]
[JsonDerivedType(typeof(SourcesFrame), "sources")]
[JsonDerivedType(typeof(DoneFrame), "done")]
[JsonDerivedType(typeof(ErrorFrame), "error")]
[JsonDerivedType(typeof(PongFrame), "pong")]
[JsonDerivedType(typeof(ResumedFrame), "resumed")]
[JsonDerivedType(typeof(HistoryFrame), "history")]
public abstract record ServerFrame;

public sealed record AckFrame(string RequestId, string SessionId) : ServerFrame;

public sealed record StatusFrame(string RequestId, string SessionId, long Seq, string Phase, string Message) : ServerFrame;

public sealed record TokenFrame(string RequestId, string SessionId, long Seq, string Text) : ServerFrame
{
    /// <summary>
    /// Set only on a replayed frame that joins several token frames: it stands for every seq from
    /// <see cref="FirstSeq"/> to <see cref="Seq"/>, and its text is theirs, in order.
    /// </summary>
    public long? FirstSeq { get; init; }
}

public sealed record SourcesFrame(string RequestId, string SessionId, long Seq, IReadOnlyList<SourceReference> Passages) : ServerFrame;

public sealed record SourceReference(string Source, string Title, double Score);

public sealed record DoneFrame(string RequestId, string SessionId, long Seq, string StopReason, TokenUsage Usage, string Model) : ServerFrame;

public sealed record TokenUsage(long InputTokens, long OutputTokens)
{
    public static TokenUsage Zero { get; } = new(0, 0);

    public TokenUsage Add(TokenUsage other) => new(InputTokens + other.InputTokens, OutputTokens + other.OutputTokens);
}

/// <summary>
/// A protocol error (no session, no seq) answers one client frame; a turn error belongs to the session's
/// stream and carries <see cref="SessionId"/> and <see cref="Seq"/> like every other turn frame.
/// </summary>
public sealed record ErrorFrame(string Code, string Message, string? RequestId, bool Retryable) : ServerFrame
{
    public string? SessionId { get; init; }
    public long? Seq { get; init; }

    /// <summary>With <c>rate_limited</c>: how long to wait before the next message is accepted.</summary>
    public long? RetryAfterMs { get; init; }
}

public sealed record PongFrame : ServerFrame;

/// <summary>The answer to resume: the replay has been posted; frames after <see cref="LastSeq"/> arrive live.</summary>
public sealed record ResumedFrame(string SessionId, long LastSeq) : ServerFrame;

/// <summary>
/// A page of a session for clients that cannot keep a socket: messages after an index and frames after a seq.
/// <see cref="More"/> says a further page exists; ask again from <see cref="NextAfterIndex"/> and <see cref="NextAfterSeq"/>.
/// </summary>
public sealed record HistoryFrame(
    string SessionId,
    IReadOnlyList<HistoryEntry> Messages,
    IReadOnlyList<JsonElement> Frames,
    long LastSeq,
    long NextAfterIndex,
    long NextAfterSeq,
    bool More) : ServerFrame;

public sealed record HistoryEntry(long Index, string RequestId, string Role, string Text, string Status, DateTimeOffset CreatedAt);

public static class Phases
{
    public const string Queued = "queued";
    public const string BuildingPrompt = "building_prompt";
    public const string Planning = "planning";
    public const string Retrieving = "retrieving";
    public const string Streaming = "streaming";
}

public static class StopReasons
{
    public const string EndTurn = "end_turn";
    public const string MaxTokens = "max_tokens";
    public const string ContentFiltered = "content_filtered";
    public const string ToolUse = "tool_use";
    public const string Cancelled = "cancelled";
    public const string Other = "other";
}
