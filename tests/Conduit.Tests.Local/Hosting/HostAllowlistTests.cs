using Conduit.Local.Hosting;
using Microsoft.AspNetCore.Http;

namespace Conduit.Tests.Local.Hosting;

public sealed class HostAllowlistTests
{
    [Theory]
    [InlineData("localhost", true)]
    [InlineData("LocalHost:5080", true)]
    [InlineData("127.0.0.1:1", true)]
    [InlineData("[::1]:5080", true)]
    [InlineData("chat.example.test:443", true)]
    [InlineData("rebind.evil.test:5080", false)]
    [InlineData("localhost.evil.test", false)]
    [InlineData("127.0.0.2", false)]
    [InlineData("0.0.0.0", false)]
    [InlineData("", false)]
    public void Allows_HostHeader_OnlyLoopbackAndConfiguredNamesWithAnyPort(string host, bool allowed) =>
        Assert.Equal(allowed, new HostAllowlist(["chat.example.test"]).Allows(new HostString(host)));

    [Fact]
    public void Parse_AllowedHost_IsRepeatableAndAddsToTheLoopbackNames()
    {
        var options = LocalHostOptions.Parse(
            ["--allowed-host", "chat.example.test", "--allowed-host", "::1", "--allowed-host", "10.0.0.5"]);

        Assert.Equal(["10.0.0.5", "[::1]", "chat.example.test"], options.AllowedHosts.Order());
        Assert.Empty(LocalHostOptions.Parse([]).AllowedHosts);
    }

    [Theory]
    [InlineData("https://chat.example.test")]
    [InlineData("chat.example.test:8080")]
    [InlineData("chat.example.test/app")]
    [InlineData("*.example.test")]
    [InlineData("[chat.example.test]")]
    public void Parse_AllowedHostThatIsNotAName_IsRefusedSayingSo(string name) =>
        Assert.Contains(
            "--allowed-host", Assert.Throws<ArgumentException>(() => LocalHostOptions.Parse(["--allowed-host", name])).Message);
}
