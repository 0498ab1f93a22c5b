namespace Conduit.Aws.Endpoints;

/// <summary>
/// The endpoint settings every AWS SDK honours ("Service-specific endpoints" in the AWS SDKs and Tools reference
/// guide), in their order: <c>AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true</c> turns them all off;
/// <c>AWS_ENDPOINT_URL_&lt;SERVICE&gt;</c>, then <c>AWS_ENDPOINT_URL</c>; then the shared config file's profile
/// (<c>AWS_PROFILE</c>, else default): its <c>services</c> section's entry for the service, then its own
/// <c>endpoint_url</c>. Requests still sign with the service's signing name and the configured Region.
/// </summary>
public sealed class ConfiguredEndpoints(Func<string, string?> environment, Func<string, string?> readFile)
{
    public static ConfiguredEndpoints None { get; } = new(_ => null, _ => null);


    /// <summary>The settings in a function's environment, with the shared config file where that names one.</summary>
    public static ConfiguredEndpoints From(AwsEnvironment environment) => new(environment.Optional, ReadFileIfPresent);

    public Uri? For(AwsService service)
    {
        if (string.Equals(Value("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"), "true", StringComparison.OrdinalIgnoreCase)) return null;
        var configured = Value($"AWS_ENDPOINT_URL_{service.EnvironmentId}") ?? Value("AWS_ENDPOINT_URL") ?? FromConfigFile(service);
        if (configured is null) return null;
        return Uri.TryCreate(configured, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
            ? uri
            : throw new ConfigurationException(
                $"The endpoint configured for {service.EnvironmentId} must be an http(s) URL, not \"{configured}\".");
    }

    /// <summary>The Region as the SDKs read it from the environment: <c>AWS_REGION</c>, else <c>AWS_DEFAULT_REGION</c>.</summary>
    public string? Region() => Value(AwsEnvironment.Region) ?? Value("AWS_DEFAULT_REGION");

    private string? Value(string name) => environment(name) is { Length: > 0 } value ? value.Trim() : null;

    private string? FromConfigFile(AwsService service)
    {
        var home = Value("HOME") ?? Value("USERPROFILE");
        var path = Value("AWS_CONFIG_FILE") ?? (home is null ? null : Path.Combine(home, ".aws", "config"));
        if (path is null || readFile(path) is not { } text) return null;
        var config = SharedConfigFile.Parse(text);
        var profileName = Value("AWS_PROFILE") ?? "default";
        var profile = config.Section(profileName == "default" ? "default" : $"profile {profileName}")
            ?? (profileName == "default" ? config.Section("profile default") : null);
        if (profile is null) return null;
        if (profile.GetValueOrDefault("services") is { } services
            && config.Section($"services {services}") is { } section
            && section.GetValueOrDefault($"{service.ConfigKey}.endpoint_url") is { Length: > 0 } serviceUrl)
        {
            return serviceUrl;
        }
        return profile.GetValueOrDefault("endpoint_url") is { Length: > 0 } url ? url : null;
    }

    private static string? ReadFileIfPresent(string path) => File.Exists(path) ? File.ReadAllText(path) : null;
}
