using System.Net.WebSockets;
using Conduit.Local.Gateway;
using Conduit.Tests.EndToEnd.Support;

namespace Conduit.Tests.EndToEnd;

/// <summary>$connect admits a browser page only when its Origin is on the allowlist, exactly.</summary>
public sealed class OriginTests : IAsyncLifetime
{
    private LocalStackHost _host = null!;

    public async Task InitializeAsync() => _host = await LocalStackHost.StartAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Theory]
    [InlineData("https://evil.test")]
    [InlineData("null")]
    [InlineData("http://127.0.0.1.evil.test")]
    [InlineData("http://localhost:1")]
    [InlineData("HTTP://127.0.0.1")]
    public async Task Connect_ForeignOrigin_IsRefusedWith403AndRegistersNothing(string origin)
    {
        var refused = await Assert.ThrowsAsync<WebSocketException>(() => _host.ConnectAsync(origin));

        Assert.Contains("403", refused.Message);
        Assert.Empty(_host.Services.GetRequiredService<WebSocketGateway>().ConnectionIds);
    }

    [Fact]
    public async Task Connect_TheHostsOwnOrigin_IsAccepted()
    {
        await using var chat = await _host.ConnectAsync($"http://127.0.0.1:{_host.Options.Port}");

        await chat.SendAsync(new { action = "ping" });

        Assert.Equal("pong", (await chat.NextAsync()).GetProperty("type").GetString());
    }
}
