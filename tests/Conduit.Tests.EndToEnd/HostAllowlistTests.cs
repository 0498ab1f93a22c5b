using System.Net;
using System.Net.Sockets;
using System.Text;
using Conduit.Tests.EndToEnd.Support;

namespace Conduit.Tests.EndToEnd;

/// <summary>
/// Every HTTP route answers only to a Host the host knows, so a page on a DNS-rebinding name that resolves to
/// 127.0.0.1 reaches none of them: not the pages, not the APIs, not the WebSocket upgrade.
/// </summary>
public sealed class HostAllowlistTests : IAsyncLifetime
{
    private LocalStackHost _host = null!;

    public async Task InitializeAsync() => _host = await LocalStackHost.StartAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Theory]
    [InlineData("/")]
    [InlineData("/trace.html")]
    [InlineData("/healthz")]
    [InlineData("/local/executions")]
    [InlineData("/local/dev/token?user=alice")]
    [InlineData("/local/sessions/s1/history")]
    public async Task Get_ForeignHost_Is400WithAPlainReason(string path)
    {
        using var http = _host.CreateHttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Host = $"rebind.evil.test:{_host.Options.Port}";

        using var response = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("Host", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task WebSocketUpgrade_ForeignHost_Is400AndRegistersNothing()
    {
        var token = await _host.TokenForAsync("alice");

        var statusLine = await UpgradeAsync($"rebind.evil.test:{_host.Options.Port}", token);

        Assert.StartsWith("HTTP/1.1 400", statusLine, StringComparison.Ordinal);
        Assert.Empty(_host.Services.GetRequiredService<Conduit.Local.Gateway.WebSocketGateway>().ConnectionIds);
    }

    [Fact]
    public async Task WebSocketUpgrade_LoopbackHost_Switches()
    {
        var token = await _host.TokenForAsync("alice");

        var statusLine = await UpgradeAsync($"localhost:{_host.Options.Port}", token);

        Assert.StartsWith("HTTP/1.1 101", statusLine, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("localhost")]
    [InlineData("LOCALHOST")]
    [InlineData("[::1]")]
    public async Task Get_LoopbackHostWithAnyPort_IsServed(string name)
    {
        using var http = _host.CreateHttpClient();
        foreach (var host in new[] { name, $"{name}:{_host.Options.Port}", $"{name}:8443" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/healthz");
            request.Headers.Host = host;

            using var response = await http.SendAsync(request);

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
    }

    [Fact]
    public async Task Get_NameGivenWithAllowedHost_IsServed_AndOtherNamesStillAreNot()
    {
        await using var configured = await LocalStackHost.StartAsync(
            options => options with { AllowedHosts = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "chat.example.test" } });
        using var http = configured.CreateHttpClient();
        using var allowed = new HttpRequestMessage(HttpMethod.Get, "/healthz") { Headers = { Host = "chat.example.test:8443" } };
        using var other = new HttpRequestMessage(HttpMethod.Get, "/healthz") { Headers = { Host = "chat.example.test.evil.test" } };

        using var allowedResponse = await http.SendAsync(allowed);
        using var otherResponse = await http.SendAsync(other);

        Assert.Equal(HttpStatusCode.OK, allowedResponse.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, otherResponse.StatusCode);
    }

    /// <summary>
    /// A WebSocket handshake written by hand, because a WebSocket client sets Host from the URL; returns the status line.
    /// </summary>
    private async Task<string> UpgradeAsync(string host, string token)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, _host.Options.Port);
        var stream = tcp.GetStream();
        var handshake = $"GET /local HTTP/1.1\r\nHost: {host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
            + $"Sec-WebSocket-Protocol: conduit.v1, {token}\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(handshake));
        using var reader = new StreamReader(stream, Encoding.ASCII);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        return await reader.ReadLineAsync(timeout.Token) ?? "";
    }
}
