namespace Conduit.Local.Terminal;

/// <summary>
/// Where the chat reads and writes. The conversation goes to <see cref="Output"/>; what concerns the connection
/// (reconnecting, a bad option) goes to <see cref="Notices"/>, so redirected output holds the conversation alone.
/// </summary>
public sealed record TerminalConsole(TextReader Input, TextWriter Output, TextWriter Notices, bool Ansi)
{
    /// <summary>
    /// Reads one key without echoing it, when input is a terminal: the chat then keeps what is being typed on its own
    /// prompt line, apart from the answer streaming above it. Null reads <see cref="Input"/> a line at a time.
    /// </summary>
    public Func<ConsoleKeyInfo>? Keys { get; init; }

    /// <summary>Standard input, output and error; dim text only on a real terminal, and never under NO_COLOR.</summary>
    public static TerminalConsole FromSystemConsole()
    {
        var ansi = !Console.IsOutputRedirected
            && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("NO_COLOR"))
            && Environment.GetEnvironmentVariable("TERM") != "dumb";
        return new TerminalConsole(Console.In, Console.Out, Console.Error, ansi)
        {
            Keys = ansi && !Console.IsInputRedirected ? () => Console.ReadKey(intercept: true) : null,
        };
    }
}
