using System.Globalization;
using Conduit.Core.Protocol;

namespace Conduit.Local.Terminal;

/// <summary>What <c>chat</c> can be told on the command line, and how it retries a lost connection.</summary>
public sealed record TerminalOptions
{
    public const string DefaultUser = "terminal";

    /// <summary>The local stack at its default port; the client is its own project, so a test keeps the two equal.</summary>
    public static Uri DefaultUrl { get; } = new("ws://127.0.0.1:5080/local");

    public Uri Url { get; init; } = DefaultUrl;

    /// <summary>The user a development token is asked for; ignored when <see cref="Token"/> is given.</summary>
    public string User { get; init; } = DefaultUser;

    public string? Token { get; init; }

    /// <summary>A session to continue; a new one is started when not given.</summary>
    public string? SessionId { get; init; }

    public TimeSpan FirstReconnectDelay { get; init; } = TimeSpan.FromSeconds(1);

    public TimeSpan MaxReconnectDelay { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Null keeps trying for as long as the user waits (they can /quit); a number gives up after that many.</summary>
    public int? MaxReconnectAttempts { get; init; }

    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The local stack signs development tokens for anyone; a deployment needs a real one.</summary>
    public bool UsesDevelopmentToken => Token is null;

    /// <summary>The wait before reconnect attempt <paramref name="attempt"/> (from 1): doubling, capped.</summary>
    public TimeSpan ReconnectDelay(int attempt)
    {
        var delay = FirstReconnectDelay;
        for (var i = 1; i < attempt && delay < MaxReconnectDelay; i++) delay *= 2;
        return delay < MaxReconnectDelay ? delay : MaxReconnectDelay;
    }

    public const string Usage = """
        Usage: dotnet run --project Local -- chat [options]
          --url <ws-url>     the WebSocket API (default ws://127.0.0.1:5080/local)
          --user <id>        the user a local stack signs a development token for (default terminal)
          --token <jwt>      connect with this token instead (needed for any URL that is not local)
          --session <id>     continue this session instead of starting a new one
        Type a message and press Enter. /new starts a new session, /stop stops the answer being written,
        /quit or the end of input exits once the answer being written is complete.
        """;

    /// <summary>Reads the options after <c>chat</c>; a bad one throws <see cref="ArgumentException"/> with a one-line reason.</summary>
    public static TerminalOptions Parse(IReadOnlyList<string> args)
    {
        var options = new TerminalOptions();
        for (var i = 0; i < args.Count; i++)
        {
            var name = args[i];
            string Value() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{name} needs a value.");
            options = name switch
            {
                "--url" => options with { Url = WebSocketUrl(Value()) },
                "--user" => options with { User = Identifier(name, Value()) },
                "--token" => options with
                {
                    Token = Value() is { Length: > 0 } token ? token : throw new ArgumentException("--token needs a non-empty token."),
                },
                "--session" => options with { SessionId = Identifier(name, Value()) },
                _ => throw new ArgumentException($"Unknown option \"{name}\"."),
            };
        }
        if (options.UsesDevelopmentToken && !options.Url.IsLoopback)
            throw new ArgumentException($"{options.Url} is not a local stack, which alone signs development tokens: pass --token <jwt>.");
        return options;
    }

    private static Uri WebSocketUrl(string text) =>
        Uri.TryCreate(text, UriKind.Absolute, out var url) && url.Scheme is "ws" or "wss" && url.Fragment.Length == 0
            ? url
            : throw new ArgumentException($"--url takes a ws:// or wss:// URL such as {DefaultUrl}, not \"{text}\".");

    private static string Identifier(string name, string text) =>
        ProtocolParser.IsIdentifier(text)
            ? text
            : throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"{name} takes 1 to {ProtocolParser.MaxIdentifierLength} characters of A-Z, a-z, 0-9, '-' or '_', not \"{text}\"."));
}
