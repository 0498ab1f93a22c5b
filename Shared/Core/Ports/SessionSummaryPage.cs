namespace Conduit.Core.Ports;

/// <summary>A page of a conversation list; <see cref="Next"/> continues it, null when it was the last.</summary>
public sealed record SessionSummaryPage(IReadOnlyList<SessionSummary> Sessions, SessionCursor? Next);
