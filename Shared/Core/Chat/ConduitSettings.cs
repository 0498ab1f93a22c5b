using Conduit.Core.Ports;
using Conduit.Core.Protocol;

namespace Conduit.Core.Chat;

/// <summary>Behaviour settings shared by every environment; the defaults are the documented ones.</summary>
public sealed record ConduitSettings
{
    public string SystemPrompt { get; init; } =
        "You are Conduit's assistant. Answer clearly and briefly. When the question is about facts the knowledge base may hold, " +
        "call kb_lookup first and cite the sources you used.";

    /// <summary>How many history messages (the current one included) a prompt may carry.</summary>
    public int HistoryWindow { get; init; } = 20;

    /// <summary>Character budget for the history in a prompt; older messages are dropped first.</summary>
    public int MaxPromptCharacters { get; init; } = 48_000;

    public int MaxToolRounds { get; init; } = 2;
    public int RetrievalResults { get; init; } = 4;
    public int MaxPassageCharacters { get; init; } = 1_500;
    public int MaxOutputTokens { get; init; } = 1_024;

    /// <summary>Longest a token may wait in the coalescer before it is posted.</summary>
    public TimeSpan CoalesceInterval { get; init; } = TimeSpan.FromMilliseconds(50);

    /// <summary>
    /// Held text, in serialised bytes, that forces a post at once. Whatever it is set to, one token frame carries at most
    /// <see cref="ProtocolLimits.MaxTokenTextBytes"/>.
    /// </summary>
    public int CoalesceMaxBytes { get; init; } = 2_048;

    /// <summary>
    /// API Gateway closes every connection after two hours at the latest, so its record expires then (an idle one closes
    /// after 10 minutes; the connection cap finds those with GetConnection, see <see cref="LiveConnections"/>).
    /// </summary>
    public TimeSpan ConnectionTtl { get; init; } = TimeSpan.FromHours(2);

    public TimeSpan SessionTtl { get; init; } = TimeSpan.FromHours(24);

    public ProtocolLimits Limits { get; init; } = new();

    /// <summary>Browser origins allowed to connect, compared exactly (ordinal); empty admits no browser page.</summary>
    public IReadOnlySet<string> AllowedOrigins { get; init; } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>Messages a user may send: a burst of 5, refilled at 20 a minute.</summary>
    public RateLimit MessageRate { get; init; } = new(Burst: 5, PerMinute: 20);

    public int MaxConnectionsPerUser { get; init; } = 10;

    public int MaxTurnsInFlightPerUser { get; init; } = 5;
}
