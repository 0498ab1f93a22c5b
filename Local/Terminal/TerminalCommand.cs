namespace Conduit.Local.Terminal;

/// <summary><c>chat [options]</c>: reads the options, connects with a real socket and runs the chat.</summary>
public static class TerminalCommand
{
    /// <summary>0 when the input ended normally, 1 when no connection could be had, 2 for bad options.</summary>
    public static async Task<int> RunAsync(IReadOnlyList<string> args, TerminalConsole console, CancellationToken cancellationToken)
    {
        if (args is ["--help"] or ["-h"])
        {
            await console.Output.WriteLineAsync(TerminalOptions.Usage.AsMemory(), cancellationToken).ConfigureAwait(false);
            return ChatTerminal.ExitOk;
        }

        TerminalOptions options;
        try
        {
            options = TerminalOptions.Parse(args);
        }
        catch (ArgumentException exception)
        {
            await console.Notices.WriteLineAsync(exception.Message.AsMemory(), cancellationToken).ConfigureAwait(false);
            await console.Notices.WriteLineAsync(TerminalOptions.Usage.AsMemory(), cancellationToken).ConfigureAwait(false);
            return ChatTerminal.ExitBadOptions;
        }

        using var http = new HttpClient { Timeout = options.ConnectTimeout };
        var connector = new ConduitConnector(options, http);
        return await new ChatTerminal(console, options, connector.ConnectAsync).RunAsync(cancellationToken).ConfigureAwait(false);
    }
}
