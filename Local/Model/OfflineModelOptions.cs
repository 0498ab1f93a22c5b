namespace Conduit.Local.Model;

/// <summary>How the offline model paces its streamed answer, so the pipeline sees realistic timing.</summary>
public sealed record OfflineModelOptions
{
    /// <summary>The pause between two streamed words; zero streams without pausing.</summary>
    public TimeSpan TokenDelay { get; init; } = TimeSpan.FromMilliseconds(20);

    /// <summary>The pause before the first streamed word, standing in for a model's time to first token; zero skips it.</summary>
    public TimeSpan FirstTokenDelay { get; init; } = TimeSpan.FromMilliseconds(250);
}
