namespace Conduit.Core.Ports;

/// <summary>A passage returned by knowledge-base retrieval, ranked by <see cref="Score"/> (higher is better).</summary>
public sealed record Passage(string Source, string Title, string Text, double Score);
