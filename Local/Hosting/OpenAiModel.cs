namespace Conduit.Local.Hosting;

public sealed record OpenAiModel(Uri BaseUrl, string Model) : ModelChoice;
