using Amazon.Runtime;

namespace Conduit.Aws.Endpoints;

public static class OfficialClientConfig
{
    /// <summary>
    /// Points an official client's config where the hand-written clients go: the fixed service URL or the configured
    /// endpoint (signing for the settings' Region), else the regional endpoint.
    /// </summary>
    public static TConfig For<TConfig>(this TConfig config, AwsClientSettings settings, AwsService service)
        where TConfig : ClientConfig
    {
        if ((settings.ServiceUrl ?? settings.Endpoints.For(service)) is { } serviceUrl)
        {
            config.ServiceURL = serviceUrl.AbsoluteUri;
            config.AuthenticationRegion = settings.Region.SystemName;
        }
        else
        {
            config.RegionEndpoint = settings.Region;
        }
        return config;
    }
}
