namespace Conduit.Local.Terminal;

/// <summary>
/// Where the chat reads and writes. The conversation goes to <see cref="Output"/>; what concerns the connection
/// (reconnecting, a bad option) goes to <see cref="Notices"/>, so redirected output holds the conversation alone.
/// </summary>
public sealed record TerminalConsole(TextReader Input, TextWriter Output, TextWriter Notices, bool Ansi)
{
    /// <summary>Standard input, output and error; dim text only on a real terminal, and never under NO_COLOR.</summary>
    public static TerminalConsole FromSystemConsole() => new(
        Console.In,
        Console.Out,
        Console.Error,
        Ansi: !Console.IsOutputRedirected
            && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("NO_COLOR"))
            && Environment.GetEnvironmentVariable("TERM") != "dumb");
}
