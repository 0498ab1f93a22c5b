using System.Globalization;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;

namespace Conduit.Local.Terminal;

/// <summary>
/// A chat over one Conduit session from a terminal: each line read is a message, the answer is written as it
/// streams. A lost connection is reopened and the session resumed from the last seq seen, so the answer shown
/// is the one saved in history: nothing lost, nothing shown twice.
/// </summary>
/// <remarks>
/// One loop owns all state and does all writing; the socket's receiver and the input reader only post events
/// to it. Messages are sent one at a time: a line typed while an answer streams waits for that answer.
/// </remarks>
public sealed class ChatTerminal(TerminalConsole console, TerminalOptions options, Func<CancellationToken, Task<WebSocket>> connect)
{
    public const int ExitOk = 0;
    public const int ExitCouldNotConnect = 1;
    public const int ExitBadOptions = 2;

    private const string Dim = "\e[2m";
    private const string Red = "\e[31m";
    private const string Reset = "\e[0m";
    private static readonly TimeSpan CloseTimeout = TimeSpan.FromSeconds(2);

    private readonly Channel<TerminalEvent> _events =
        Channel.CreateUnbounded<TerminalEvent>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Queue<string> _pending = new();
    private readonly SessionStream _session = new();
    private readonly TerminalMarkdown _markdown = new(console.Ansi);
    private WebSocket? _socket;
    private Task _receiving = Task.CompletedTask;
    private int _generation;
    private Turn? _turn;
    private bool _inputEnded;
    private bool _probing;
    private bool _resumePending;
    private bool _midLine;
    private bool _noticeEndedTheLine;
    private string _draft = "";
    private bool _promptShown;
    private int? _exitCode;

    /// <summary>The session being followed: the one given, or the one the first message started.</summary>
    public string? SessionId => _session.SessionId;

    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        _session.Begin(options.SessionId, 0);
        using var stopReading = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        try
        {
            // A console read blocks its thread and ignores cancellation, so the reader runs on its own and is left
            // to end with the process; a cancellable reader ends when the loop does. It starts at once, so what is
            // typed while connecting is kept.
            _ = Task.Run(() => ReadInputAsync(stopReading.Token), CancellationToken.None);
            if (console.Keys is not null) Notice($"Connecting to {options.Url}…");
            if (await ConnectAsync(cancellationToken).ConfigureAwait(false) is { } failure)
            {
                Notice($"Could not connect to {options.Url}: {failure}");
                return ExitCouldNotConnect;
            }
            if (options.SessionId is { } sessionId)
            {
                _probing = true;
                await SendAsync(ClientFrames.LastSeqProbe(sessionId), cancellationToken).ConfigureAwait(false);
            }
            return await LoopAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            await stopReading.CancelAsync().ConfigureAwait(false);
            await console.Output.FlushAsync(CancellationToken.None).ConfigureAwait(false);
            await CloseAsync().ConfigureAwait(false);
            if (_session.SessionId is { } id) Notice($"Session {id}: continue it with --session {id}");
        }
    }

    private async Task<int> LoopAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            if (_turn is null && !_probing)
            {
                if (_pending.TryDequeue(out var line))
                {
                    await TakeLineAsync(line, cancellationToken).ConfigureAwait(false);
                    continue;
                }
                if (_inputEnded) return ExitOk;
            }

            ShowPromptWhenIdle();
            await console.Output.FlushAsync(cancellationToken).ConfigureAwait(false);
            switch (await _events.Reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                case InputEdited edited:
                    _draft = edited.Draft;
                    if (_promptShown) DrawPrompt();
                    break;
                case LineTyped typed:
                    await TypedAsync(typed.Text, cancellationToken).ConfigureAwait(false);
                    break;
                case InputEnded:
                    _inputEnded = true;
                    break;
                case FrameReceived received:
                    await HandleFrameAsync(received.Frame, cancellationToken).ConfigureAwait(false);
                    break;
                case ConnectionLost lost when lost.Generation == _generation:
                    await RecoverAsync(lost.Reason, cancellationToken).ConfigureAwait(false);
                    break;
            }
            if (_exitCode is { } code) return code;
        }
    }

    private async Task TypedAsync(string line, CancellationToken cancellationToken)
    {
        var command = line.Trim();
        if (command == "/stop") await StopAsync(cancellationToken).ConfigureAwait(false);
        else if (command.Length > 0) _pending.Enqueue(line);
    }

    private async Task TakeLineAsync(string line, CancellationToken cancellationToken)
    {
        if (console.Keys is not null) WriteLine($"› {line}", Dim);
        var command = line.Trim();
        if (command == "/new")
        {
            WriteLine(
                _session.SessionId is { } left
                    ? $"… Left session {left}; the next message starts a new one."
                    : "… The next message starts a new session.",
                Dim);
            _session.Begin(null, 0);
            return;
        }
        if (command.StartsWith('/') && !command.Contains(' ', StringComparison.Ordinal))
        {
            WriteLine($"Unknown command {command}: the commands are /new, /stop and /quit.", Dim);
            return;
        }
        var turn = new Turn($"terminal-{Guid.NewGuid():N}", _session.SessionId, line);
        _turn = turn;
        _session.BeginTurn();
        await SendAsync(ClientFrames.SendMessage(turn.RequestId, turn.SessionId, turn.Text), cancellationToken).ConfigureAwait(false);
    }

    private async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_turn is not { } turn)
        {
            WriteLine("… Nothing to stop.", Dim);
            return;
        }
        if (turn.StopRequested) return;
        turn.StopRequested = true;
        turn.CancelSent = await SendAsync(ClientFrames.Cancel(turn.RequestId), cancellationToken).ConfigureAwait(false);
    }

    private async Task HandleFrameAsync(JsonElement frame, CancellationToken cancellationToken)
    {
        var type = Text(frame, "type");
        var requestId = Text(frame, "requestId");
        if (Number(frame, "seq") is { } seq)
        {
            await HandleSessionFrameAsync(frame, type, requestId, seq, cancellationToken).ConfigureAwait(false);
            return;
        }
        switch (type)
        {
            case "ack":
                await AckedAsync(requestId, Text(frame, "sessionId"), cancellationToken).ConfigureAwait(false);
                break;
            case "resumed":
                _resumePending = false;
                break;
            case "history" when _probing:
                _probing = false;
                _session.Begin(Text(frame, "sessionId") ?? options.SessionId, Number(frame, "lastSeq") ?? 0);
                WriteLine($"… Continuing session {_session.SessionId}.", Dim);
                break;
            case "error":
                Refused(frame, requestId);
                break;
        }
    }

    private async Task AckedAsync(string? requestId, string? sessionId, CancellationToken cancellationToken)
    {
        if (_turn is not { Acked: false } turn || turn.RequestId != requestId || sessionId is null) return;
        turn.Acked = true;
        _session.Adopt(sessionId);
        if (turn.ResumeOnAck && !_resumePending) await ResumeAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>An error answering one frame: a refused message ends its turn, a refused resume loses the session.</summary>
    private void Refused(JsonElement frame, string? requestId)
    {
        WriteError(frame);
        if (_turn is { } turn && turn.RequestId == requestId)
        {
            if (!turn.Acked) EndTurn();
        }
        else if (requestId is null && _probing)
        {
            _session.Begin(null, 0);
            _exitCode = ExitCouldNotConnect;
        }
        else if (requestId is null && _resumePending)
        {
            _resumePending = false;
            if (_turn is not null) EndTurn();
            _session.Begin(null, 0);
        }
    }

    private async Task HandleSessionFrameAsync(
        JsonElement frame, string? type, string? requestId, long seq, CancellationToken cancellationToken)
    {
        var ours = _turn is { } turn && turn.RequestId == requestId;
        var sessionId = Text(frame, "sessionId");
        if (ours && sessionId is not null) _session.Adopt(sessionId);
        if (sessionId is null || sessionId != _session.SessionId) return;

        var firstSeq = Number(frame, "firstSeq") ?? seq;
        switch (_session.Place(firstSeq, seq))
        {
            case Placement.Seen:
                return;
            case Placement.Gap:
                if (!_resumePending) await ResumeAsync(cancellationToken).ConfigureAwait(false);
                return;
        }
        if (!ours)
        {
            _session.Pass(seq);
            return;
        }

        switch (type)
        {
            case "status":
                var phase = Text(frame, "phase");
                if (phase != "streaming") _session.Pass(seq);
                else if (_session.StartAnswer(seq))
                {
                    WriteText(_markdown.Flush());
                    WriteLine("↻ The answer restarted: the text above is replaced by what follows.", Dim);
                }
                WriteLine($"… {Text(frame, "message") ?? phase}", Dim);
                break;
            case "token":
                if (_session.AppendToken(firstSeq, seq, Text(frame, "text") ?? "") is { } fresh) WriteText(_markdown.Append(fresh));
                else if (!_resumePending) await ResumeAsync(cancellationToken).ConfigureAwait(false);
                break;
            case "sources":
                _session.Pass(seq);
                WriteLine($"… Sources: {Sources(frame)}", Dim);
                break;
            case "done":
                _session.Pass(seq);
                WriteText(_markdown.Flush());
                WriteLine(Summary(frame), Dim);
                EndTurn();
                break;
            case "error":
                _session.Pass(seq);
                WriteText(_markdown.Flush());
                WriteError(frame);
                EndTurn();
                break;
            default:
                _session.Pass(seq);
                break;
        }
    }

    private void EndTurn()
    {
        WriteText(_markdown.Flush());
        _turn = null;
        _session.BeginTurn();
    }

    private async Task ResumeAsync(CancellationToken cancellationToken)
    {
        if (_session.SessionId is { } sessionId)
            _resumePending = await SendAsync(ClientFrames.Resume(sessionId, _session.LastSeq), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Reconnects with doubling waits and picks up where the lost connection left off, or gives up.</summary>
    private async Task RecoverAsync(string reason, CancellationToken cancellationToken)
    {
        DropSocket();
        if (_inputEnded && _turn is null && _pending.Count == 0 && !_probing)
        {
            _exitCode = ExitOk;
            return;
        }
        Notice($"Connection lost ({reason}); reconnecting. /quit leaves.");
        var failure = reason;
        for (var attempt = 1; attempt <= (options.MaxReconnectAttempts ?? int.MaxValue); attempt++)
        {
            var delay = options.ReconnectDelay(attempt);
            var of = options.MaxReconnectAttempts is { } most ? $" of {most}" : "";
            Notice(string.Create(
                CultureInfo.InvariantCulture, $"Offline. Attempt {attempt}{of} in {delay.TotalSeconds:0.###} s ({failure})…"));
            await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
            if (await ConnectAsync(cancellationToken).ConfigureAwait(false) is not { } error)
            {
                await ResubscribeAsync(cancellationToken).ConfigureAwait(false);
                return;
            }
            failure = error;
        }
        Notice($"Could not reconnect to {options.Url} after {options.MaxReconnectAttempts} attempts: {failure}");
        _exitCode = ExitCouldNotConnect;
    }

    /// <summary>
    /// Resumes the session from the last seq seen, and sends again what may not have arrived: an unacknowledged
    /// message (its requestId makes a repeat harmless) and a stop. A message that started a session nobody has
    /// heard of yet resumes once its ack names the session.
    /// </summary>
    private async Task ResubscribeAsync(CancellationToken cancellationToken)
    {
        _resumePending = false;
        if (_probing && options.SessionId is { } probed)
        {
            Notice("Reconnected.");
            await SendAsync(ClientFrames.LastSeqProbe(probed), cancellationToken).ConfigureAwait(false);
            return;
        }
        Notice(_session.SessionId is { } id
            ? string.Create(CultureInfo.InvariantCulture, $"Reconnected; resuming session {id} after seq {_session.LastSeq}.")
            : "Reconnected.");
        await ResumeAsync(cancellationToken).ConfigureAwait(false);
        if (_turn is not { } turn) return;
        if (!turn.Acked)
        {
            turn.ResumeOnAck = _session.SessionId is null;
            await SendAsync(ClientFrames.SendMessage(turn.RequestId, turn.SessionId, turn.Text), cancellationToken).ConfigureAwait(false);
        }
        if (turn is { StopRequested: true, CancelSent: false })
            turn.CancelSent = await SendAsync(ClientFrames.Cancel(turn.RequestId), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Opens a socket and starts receiving from it; the failure's reason, or null when connected.</summary>
    private async Task<string?> ConnectAsync(CancellationToken cancellationToken)
    {
        WebSocket socket;
        try
        {
            socket = await connect(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (IsConnectFailure(exception) && !cancellationToken.IsCancellationRequested)
        {
            return exception is OperationCanceledException ? "no answer in time" : exception.Message;
        }
        _socket = socket;
        var generation = ++_generation;
        _receiving = Task.Run(() => ReceiveAsync(socket, generation, cancellationToken), CancellationToken.None);
        return null;
    }

    private static bool IsConnectFailure(Exception exception) =>
        exception is WebSocketException or HttpRequestException or IOException or InvalidDataException or OperationCanceledException;

    private async Task ReceiveAsync(WebSocket socket, int generation, CancellationToken cancellationToken)
    {
        var buffer = new byte[16 * 1024];
        using var message = new MemoryStream();
        string reason;
        try
        {
            while (true)
            {
                var received = await socket.ReceiveAsync(buffer.AsMemory(), cancellationToken).ConfigureAwait(false);
                if (received.MessageType == WebSocketMessageType.Close)
                {
                    var closeReason = socket.CloseStatusDescription ?? socket.CloseStatus?.ToString() ?? "no reason given";
                    reason = $"closed by the server: {closeReason}";
                    break;
                }
                message.Write(buffer, 0, received.Count);
                if (!received.EndOfMessage) continue;
                if (received.MessageType == WebSocketMessageType.Text && Parse(message) is { } frame)
                    _events.Writer.TryWrite(new FrameReceived(frame));
                message.SetLength(0);
            }
        }
        catch (Exception exception)
            when (exception is WebSocketException or IOException or ObjectDisposedException or OperationCanceledException)
        {
            if (cancellationToken.IsCancellationRequested) return;
            reason = exception is OperationCanceledException ? "aborted" : exception.Message;
        }
        _events.Writer.TryWrite(new ConnectionLost(generation, reason));
    }

    /// <summary>A message that is not one JSON object is not a protocol frame; it is skipped like an unknown type.</summary>
    private static JsonElement? Parse(MemoryStream message)
    {
        try
        {
            using var document = JsonDocument.Parse(message.GetBuffer().AsMemory(0, (int)message.Length));
            return document.RootElement.ValueKind == JsonValueKind.Object ? document.RootElement.Clone() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private async Task<bool> SendAsync(ReadOnlyMemory<byte> frame, CancellationToken cancellationToken)
    {
        if (_socket is not { State: WebSocketState.Open } socket) return false;
        try
        {
            await socket.SendAsync(frame, WebSocketMessageType.Text, endOfMessage: true, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (Exception exception) when (exception is WebSocketException or IOException or ObjectDisposedException)
        {
            // The receiver sees the same loss and reports it; what was not sent is sent again after reconnecting.
            return false;
        }
    }

    private void DropSocket()
    {
        _socket?.Abort();
        _socket?.Dispose();
        _socket = null;
    }

    /// <summary>Says goodbye with a close frame and waits briefly for the server's; a dead socket is just dropped.</summary>
    private async Task CloseAsync()
    {
        if (_socket is { State: WebSocketState.Open } socket)
        {
            using var timeout = new CancellationTokenSource(CloseTimeout);
            try
            {
                await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "bye", timeout.Token).ConfigureAwait(false);
                await _receiving.WaitAsync(timeout.Token).ConfigureAwait(false);
            }
            catch (Exception exception)
                when (exception is WebSocketException or IOException or ObjectDisposedException or OperationCanceledException)
            {
                // Leaving either way; the server treats a vanished client as disconnected.
            }
        }
        DropSocket();
    }

    private async Task ReadInputAsync(CancellationToken cancellationToken)
    {
        if (console.Keys is { } keys)
        {
            ReadKeys(keys, cancellationToken);
            return;
        }
        try
        {
            while (await console.Input.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
            {
                if (line.Trim() == "/quit") break;
                _events.Writer.TryWrite(new LineTyped(line));
            }
            _events.Writer.TryWrite(new InputEnded());
        }
        catch (Exception exception) when (exception is OperationCanceledException or IOException or ObjectDisposedException)
        {
            _events.Writer.TryWrite(new InputEnded());
        }
    }

    /// <summary>A line editor just big enough for a chat: typing, Backspace, Ctrl+U to clear, Enter, Ctrl+D to leave.</summary>
    private void ReadKeys(Func<ConsoleKeyInfo> keys, CancellationToken cancellationToken)
    {
        var draft = new StringBuilder();
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                var key = keys();
                if (key.Key == ConsoleKey.Enter || key.KeyChar is '\r' or '\n')
                {
                    var line = draft.ToString();
                    draft.Clear();
                    _events.Writer.TryWrite(new InputEdited(""));
                    if (line.Trim() == "/quit") break;
                    _events.Writer.TryWrite(new LineTyped(line));
                    continue;
                }
                if (key.KeyChar == '\u0004' && draft.Length == 0) break;
                if (key.Key == ConsoleKey.Backspace || key.KeyChar is '\b' or '\u007f')
                {
                    if (draft.Length > 0) draft.Length -= draft.Length > 1 && char.IsLowSurrogate(draft[^1]) ? 2 : 1;
                }
                else if (key.KeyChar == '\u0015') draft.Clear();
                else if (!char.IsControl(key.KeyChar)) draft.Append(key.KeyChar);
                else continue;
                _events.Writer.TryWrite(new InputEdited(draft.ToString()));
            }
        }
        catch (Exception exception) when (exception is InvalidOperationException or IOException)
        {
            // Input stopped being a terminal; what was typed so far is all there is.
        }
        _events.Writer.TryWrite(new InputEnded());
    }

    /// <summary>With nothing streaming and nothing waiting, the prompt and the draft show on a line of their own.</summary>
    private void ShowPromptWhenIdle()
    {
        if (console.Keys is null || _promptShown || _turn is not null || _probing || _inputEnded || _pending.Count > 0) return;
        EndLine();
        _promptShown = true;
        DrawPrompt();
    }

    private void DrawPrompt() => console.Output.Write($"\r\e[K{Dim}›{Reset} {_draft}");

    /// <summary>Anything else written takes the prompt's line; the prompt comes back below it when idle again.</summary>
    private void ClearPrompt()
    {
        if (!_promptShown) return;
        console.Output.Write("\r\e[K");
        _promptShown = false;
    }

    private void WriteText(string text)
    {
        if (text.Length == 0) return;
        ClearPrompt();
        console.Output.Write(text);
        _midLine = text[^1] != '\n';
        _noticeEndedTheLine = false;
    }

    private void WriteLine(string line, string style)
    {
        ClearPrompt();
        EndLine();
        console.Output.WriteLine(console.Ansi ? $"{style}{line}{Reset}" : line);
    }

    private void EndLine()
    {
        if (!_midLine) return;
        console.Output.WriteLine();
        _midLine = false;
    }

    private void WriteError(JsonElement frame)
    {
        var text = new StringBuilder($"error {Text(frame, "code") ?? "unknown"}: {Text(frame, "message")}");
        if (Text(frame, "requestId") is { } requestId) text.Append($" (requestId {requestId})");
        if (Number(frame, "retryAfterMs") is { } wait) text.Append(CultureInfo.InvariantCulture, $" Try again in {wait} ms.");
        WriteLine(text.ToString(), Red);
    }

    /// <summary>Connection news goes beside the conversation; on a shared terminal it starts on a line of its own.</summary>
    private void Notice(string text)
    {
        ClearPrompt();
        if (_midLine && !_noticeEndedTheLine)
        {
            console.Notices.WriteLine();
            _noticeEndedTheLine = true;
        }
        console.Notices.WriteLine(text);
        console.Notices.Flush();
    }

    private static string Summary(JsonElement frame)
    {
        var usage = frame.TryGetProperty("usage", out var counts) && counts.ValueKind == JsonValueKind.Object
            ? string.Create(
                CultureInfo.InvariantCulture, $"{Number(counts, "inputTokens") ?? 0} tokens in, {Number(counts, "outputTokens") ?? 0} out")
            : "usage unknown";
        return Text(frame, "stopReason") switch
        {
            "end_turn" => $"[{usage}]",
            "cancelled" => $"[stopped · {usage}]",
            "max_tokens" => $"[cut off at the output limit (max_tokens) · {usage}]",
            "content_filtered" => $"[filtered (content_filtered) · {usage}]",
            var reason => $"[{reason ?? "ended"} · {usage}]",
        };
    }

    private static string Sources(JsonElement frame)
    {
        if (!frame.TryGetProperty("passages", out var passages)
            || passages.ValueKind != JsonValueKind.Array
            || passages.GetArrayLength() == 0)
            return "none found";
        return string.Join("; ", passages.EnumerateArray()
            .Where(p => p.ValueKind == JsonValueKind.Object)
            .Select(p => (Text(p, "title"), Text(p, "source")) switch
            {
                ({ Length: > 0 } title, { } source) => $"{title} ({source})",
                (_, var source) => source ?? "?",
            }));
    }

    private static string? Text(JsonElement frame, string name) =>
        frame.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static long? Number(JsonElement frame, string name) =>
        frame.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var number)
            ? number
            : null;

    private sealed class Turn(string requestId, string? sessionId, string text)
    {
        public string RequestId { get; } = requestId;

        /// <summary>The session as sent: a repeat must say the same, or it is a conflict.</summary>
        public string? SessionId { get; } = sessionId;

        public string Text { get; } = text;
        public bool Acked { get; set; }
        public bool ResumeOnAck { get; set; }
        public bool StopRequested { get; set; }
        public bool CancelSent { get; set; }
    }

    private abstract record TerminalEvent;

    private sealed record LineTyped(string Text) : TerminalEvent;

    private sealed record InputEdited(string Draft) : TerminalEvent;

    private sealed record InputEnded : TerminalEvent;

    private sealed record FrameReceived(JsonElement Frame) : TerminalEvent;

    private sealed record ConnectionLost(int Generation, string Reason) : TerminalEvent;
}
