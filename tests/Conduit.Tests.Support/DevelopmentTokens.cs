using System.Net.Http.Json;
using System.Text.Json;

namespace Conduit.Tests.Support;

/// <summary>Tokens from the local host's development issuer, fetched as the chat page fetches its own.</summary>
public static class DevelopmentTokens
{
    /// <param name="http">A client whose base address is the host's HTTP root.</param>
    public static async Task<string> ForUserAsync(HttpClient http, string user, string stage = "local")
    {
        var answer = await http.GetFromJsonAsync<JsonElement>($"/{stage}/dev/token?user={Uri.EscapeDataString(user)}");
        return answer.GetProperty("token").GetString()!;
    }

    public static async Task<string> ForUserAsync(Uri httpBase, string user, string stage = "local")
    {
        using var http = new HttpClient { BaseAddress = httpBase, Timeout = ChatConnection.DefaultPatience };
        return await ForUserAsync(http, user, stage);
    }

    /// <summary>A connection signed in as <paramref name="user"/>, as the chat page opens one.</summary>
    public static async Task<ChatConnection> ConnectAsync(
        Uri httpBase, Uri webSocketUrl, string user, string? origin = null, TimeSpan? patience = null) =>
        await ChatConnection.OpenAsync(webSocketUrl, origin, await ForUserAsync(httpBase, user), patience);
}
