namespace Conduit.Local.Hosting;

/// <summary>
/// Answers only requests whose Host is a loopback name or one configured with --allowed-host, whatever the port: a page
/// on a DNS-rebinding name (one that resolves to 127.0.0.1) would otherwise be same-origin with every route here, the
/// WebSocket upgrade included. Anything else gets 400 before any other middleware runs.
/// </summary>
public sealed class HostAllowlist
{
    public const string RefusalText =
        "Bad Request: unknown Host. This server answers only to localhost, 127.0.0.1 and [::1] (any port) "
        + "and to names given with --allowed-host.";

    private static readonly string[] LoopbackNames = ["localhost", "127.0.0.1", "[::1]"];

    private readonly HashSet<string> _names;

    public HostAllowlist(IEnumerable<string> configured) =>
        _names = new HashSet<string>(LoopbackNames.Concat(configured), StringComparer.OrdinalIgnoreCase);

    public bool Allows(HostString host) => host.HasValue && _names.Contains(host.Host);

    public async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        if (Allows(context.Request.Host))
        {
            await next(context).ConfigureAwait(false);
            return;
        }
        context.Response.StatusCode = StatusCodes.Status400BadRequest;
        context.Response.ContentType = "text/plain; charset=utf-8";
        await context.Response.WriteAsync(RefusalText, context.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>
    /// A name as --allowed-host takes it: a DNS name or an IP address, without scheme or port; an IPv6 address comes
    /// back in brackets, as a Host header carries it.
    /// </summary>
    public static string ParseName(string text)
    {
        var bare = text.StartsWith('[') && text.EndsWith(']') ? text[1..^1] : text;
        return Uri.CheckHostName(bare) switch
        {
            UriHostNameType.Dns or UriHostNameType.IPv4 when bare == text => text,
            UriHostNameType.IPv6 => $"[{bare}]",
            _ => throw new ArgumentException(
                $"--allowed-host takes a host name or IP address such as chat.example.test (no scheme, port or path), not \"{text}\"."),
        };
    }
}
