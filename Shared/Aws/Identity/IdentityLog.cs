using Microsoft.Extensions.Logging;

namespace Conduit.Aws.Identity;

internal static partial class IdentityLog
{
    [LoggerMessage(Level = LogLevel.Information,
        Message = "JWKS {Url} lists {Ignored} keys that cannot verify RS256 or ES256 signatures; they are ignored")]
    public static partial void UnusableKeysIgnored(ILogger logger, Uri url, int ignored);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Fetching JWKS {Url} failed; {Count} cached keys keep serving")]
    public static partial void FetchFailed(ILogger logger, Exception exception, Uri url, int count);
}
