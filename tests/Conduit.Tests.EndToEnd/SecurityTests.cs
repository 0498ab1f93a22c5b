using System.Net;
using System.Net.Http.Headers;
using System.Net.WebSockets;
using System.Text.Json;
using Conduit.Core.Chat;
using Conduit.Core.Security;
using Conduit.Local.Gateway;
using Conduit.Local.Hosting;
using Conduit.Local.Security;
using Conduit.Tests.EndToEnd.Support;
using Conduit.Tests.Support;

namespace Conduit.Tests.EndToEnd;

/// <summary>Tokens, ownership and limits at the product's default settings.</summary>
public sealed class SecurityTests : IAsyncLifetime
{
    private LocalStackHost _host = null!;

    public async Task InitializeAsync() => _host = await LocalStackHost.StartAsync(
        options => options with { Settings = new ConduitSettings() });

    public async Task DisposeAsync() => await _host.DisposeAsync();

    public static TheoryData<string> RefusedTokens() =>
        ["none", "expired", "not-yet-valid", "forged", "other-key", "alg-none", "wrong-audience", "wrong-issuer", "unknown-kid", "garbage"];

    [Theory]
    [MemberData(nameof(RefusedTokens))]
    public async Task Connect_WithABadToken_IsRefusedWith401AndNothingIsRegistered(string kind)
    {
        var token = BadToken(kind);

        var refused = await Assert.ThrowsAsync<WebSocketException>(
            () => ChatConnection.OpenAsync(_host.Options.WebSocketUrl, token: token));

        Assert.Contains("401", refused.Message);
        Assert.Empty(_host.Services.GetRequiredService<WebSocketGateway>().ConnectionIds);
    }

    [Fact]
    public async Task Connect_TokenInTheQueryString_IsAccepted()
    {
        var url = new Uri($"{_host.Options.WebSocketUrl}?token={await _host.TokenForAsync("alice")}");
        await using var chat = await ChatConnection.OpenAsync(url);

        await chat.SendAsync(new { action = "ping" });

        Assert.Equal("pong", (await chat.NextAsync()).GetProperty("type").GetString());
    }

    [Fact]
    public async Task AnotherUsersSession_SendResumeAndHistory_AreForbidden_CancelFindsNoTurn_NoFrameLeaks()
    {
        await using var alice = await _host.ConnectAsync(user: "alice");
        await alice.SendMessageAsync("alice-1", "Hello");
        var sessionId = (await alice.AckAsync("alice-1")).GetProperty("sessionId").GetString()!;
        await alice.ReadTurnAsync("alice-1");
        await using var bob = await _host.ConnectAsync(user: "bob");

        await bob.SendMessageAsync("bob-1", "Let me in", sessionId);
        await bob.ResumeAsync(sessionId, 0);
        await bob.CancelAsync("alice-1");
        await bob.SendAsync(new { action = "history", sessionId });
        var answers = new[] { await bob.NextAsync(), await bob.NextAsync(), await bob.NextAsync(), await bob.NextAsync() };
        await alice.SendMessageAsync("alice-2", "Still mine?", sessionId);
        await alice.AckAsync("alice-2");
        await alice.ReadTurnAsync("alice-2");
        await bob.SendAsync(new { action = "ping" });
        var afterwards = await bob.ReadUntilAsync("pong");

        Assert.Equal(
            ["forbidden", "forbidden", "turn_not_found", "forbidden"], answers.Select(a => a.GetProperty("code").GetString()));
        Assert.Equal(["pong"], afterwards.Select(f => f.GetProperty("type").GetString()));
        using var http = _host.CreateHttpClient();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await _host.TokenForAsync("bob"));
        Assert.Equal(HttpStatusCode.Forbidden, (await http.GetAsync($"/local/sessions/{sessionId}/history")).StatusCode);
        http.DefaultRequestHeaders.Authorization = null;
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync($"/local/sessions/{sessionId}/history")).StatusCode);
    }

    [Fact]
    public async Task SendMessage_TwoUsersWithTheSameRequestId_EachGetsATurnOfTheirOwn()
    {
        await using var alice = await _host.ConnectAsync(user: "alice");
        await using var bob = await _host.ConnectAsync(user: "bob");

        await alice.SendMessageAsync("r1", "Alice asks");
        var aliceAck = await alice.AckAsync("r1");
        await bob.SendMessageAsync("r1", "Bob asks");
        var bobAck = await bob.AckAsync("r1");
        var aliceTurn = await alice.ReadTurnAsync("r1");
        var bobTurn = await bob.ReadTurnAsync("r1");

        Assert.Equal("ack", bobAck.GetProperty("type").GetString());
        Assert.NotEqual(aliceAck.GetProperty("sessionId").GetString(), bobAck.GetProperty("sessionId").GetString());
        Assert.Equal("done", aliceTurn[^1].GetProperty("type").GetString());
        Assert.Equal("done", bobTurn[^1].GetProperty("type").GetString());
    }

    [Fact]
    public async Task Cancel_AnotherUsersRequestId_IsAnsweredExactlyLikeAnUnknownOne()
    {
        await using var alice = await _host.ConnectAsync(user: "alice");
        await using var bob = await _host.ConnectAsync(user: "bob");
        await alice.SendMessageAsync("alices-1", "Hello");
        await alice.AckAsync("alices-1");
        await alice.ReadTurnAsync("alices-1");

        await bob.CancelAsync("alices-1");
        var taken = await bob.NextAsync();
        await bob.CancelAsync("nobodys-1");
        var unknown = await bob.NextAsync();

        Assert.Equal("turn_not_found", unknown.GetProperty("code").GetString());
        Assert.Equal(unknown.GetRawText().Replace("nobodys-1", "alices-1", StringComparison.Ordinal), taken.GetRawText());
    }

    [Fact]
    public async Task SendMessage_TheSameRequestIdRepeated_CountsAgainstTheMessageRate()
    {
        await using var chat = await _host.ConnectAsync(user: "repeater");

        for (var i = 0; i < 8; i++) await chat.SendMessageAsync("same-1", "Hello");
        var answers = new List<JsonElement>();
        while (answers.Count < 8)
        {
            var frame = await chat.NextAsync();
            if (!frame.TryGetProperty("seq", out _)) answers.Add(frame);
        }

        Assert.Equal(5, answers.Count(a => a.GetProperty("type").GetString() == "ack"));
        var limited = answers.Where(a => a.GetProperty("type").GetString() == "error").ToList();
        Assert.Equal(3, limited.Count);
        Assert.All(limited, e => Assert.Equal("rate_limited", e.GetProperty("code").GetString()));
    }

    [Fact]
    public async Task Flood_BeyondTheRate_IsRateLimitedWithRetryAfter_WhileAnotherUsersTurnCompletes()
    {
        await using var flooder = await _host.ConnectAsync(user: "mallory");
        await using var alice = await _host.ConnectAsync(user: "alice");

        for (var i = 0; i < 8; i++) await flooder.SendMessageAsync($"flood-{i}", $"Message {i}");
        await alice.SendMessageAsync("calm-1", "Hello");
        await alice.AckAsync("calm-1");
        var aliceTurn = await alice.ReadTurnAsync("calm-1");
        var answers = new List<JsonElement>();
        while (answers.Count < 8)
        {
            var frame = await flooder.NextAsync();
            if (!frame.TryGetProperty("seq", out _)) answers.Add(frame);
        }

        Assert.Equal(5, answers.Count(a => a.GetProperty("type").GetString() == "ack"));
        var limited = answers.Where(a => a.GetProperty("type").GetString() == "error").ToList();
        Assert.Equal(3, limited.Count);
        Assert.All(limited, e =>
        {
            Assert.Equal("rate_limited", e.GetProperty("code").GetString());
            Assert.True(e.GetProperty("retryable").GetBoolean());
            Assert.InRange(e.GetProperty("retryAfterMs").GetInt64(), 1, 3_000);
        });
        Assert.Equal("done", aliceTurn[^1].GetProperty("type").GetString());
    }

    [Fact]
    public async Task Connect_BeyondTheOpenConnectionCap_IsRefusedWith429()
    {
        var open = new List<ChatConnection>();
        try
        {
            for (var i = 0; i < new ConduitSettings().MaxConnectionsPerUser; i++) open.Add(await _host.ConnectAsync(user: "carol"));

            var refused = await Assert.ThrowsAsync<WebSocketException>(() => _host.ConnectAsync(user: "carol"));

            Assert.Contains("429", refused.Message);
            await using var other = await _host.ConnectAsync(user: "dave");
        }
        finally
        {
            foreach (var connection in open) await connection.DisposeAsync();
        }
    }

    private string BadToken(string kind)
    {
        var key = _host.Services.GetRequiredService<DevelopmentIssuer>().Key;
        var now = DateTimeOffset.UtcNow;
        var valid = JwtTestTokens.ClaimsExpiringAt(
            "alice", LocalHostOptions.DevelopmentIssuer, LocalHostOptions.DevelopmentAudience, now.AddHours(1));
        const string header = """{"alg":"HS256","typ":"JWT"}""";
        return kind switch
        {
            "none" => null!,
            "expired" => JwtTestTokens.Hs256(
                key, header,
                JwtTestTokens.ClaimsExpiringAt(
                    "alice", LocalHostOptions.DevelopmentIssuer, LocalHostOptions.DevelopmentAudience, now.AddMinutes(-5))),
            "not-yet-valid" => JwtTestTokens.Hs256(
                key, header, valid.Replace("}", $",\"nbf\":{now.AddMinutes(10).ToUnixTimeSeconds()}}}", StringComparison.Ordinal)),
            "forged" => JwtTestTokens.Tampered(JwtTestTokens.Hs256(key, header, valid)),
            "other-key" => JwtTestTokens.Hs256(Hs256TokenIssuer.CreateKey(), header, valid),
            "alg-none" => JwtTestTokens.Unsigned(valid),
            "wrong-audience" => JwtTestTokens.Hs256(
                key, header, JwtTestTokens.ClaimsExpiringAt("alice", LocalHostOptions.DevelopmentIssuer, "someone-else", now.AddHours(1))),
            "wrong-issuer" => JwtTestTokens.Hs256(
                key, header,
                JwtTestTokens.ClaimsExpiringAt("alice", "https://evil.test", LocalHostOptions.DevelopmentAudience, now.AddHours(1))),
            "unknown-kid" => JwtTestTokens.Hs256(key, """{"alg":"HS256","typ":"JWT","kid":"rotated-away"}""", valid),
            _ => "not.a.token",
        };
    }
}
