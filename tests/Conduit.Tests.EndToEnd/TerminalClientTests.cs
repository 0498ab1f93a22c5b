using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Conduit.Core.Ports;
using Conduit.Local.Terminal;
using Conduit.Tests.EndToEnd.Support;
using Conduit.Tests.Support;

namespace Conduit.Tests.EndToEnd;

/// <summary>
/// The terminal chat client against the real local stack (and, for the frames only a crashed stack sends, against
/// a scripted peer over a real WebSocket): what it prints is the answer saved in history, even across a drop.
/// </summary>
public sealed class TerminalClientTests : IAsyncLifetime
{
    private const string Question = "How does the Dispatcher name each execution, and why does coalescing matter?";
    private LocalStackHost _host = null!;

    public async Task InitializeAsync() =>
        _host = await LocalStackHost.StartAsync(
            options => options with { Model = options.Model with { TokenDelay = TimeSpan.FromMilliseconds(20) } });

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Run_OneLineThenEndOfInput_PrintsTheAnswerSavedInHistoryAndExitsZero()
    {
        using var chat = new Harness(Options("term-one"));
        chat.Input.Type(Question);
        chat.Input.End();

        var exitCode = await chat.RunAsync();

        Assert.Equal(ChatTerminal.ExitOk, exitCode);
        var saved = await SavedAnswerAsync(chat.Terminal.SessionId!);
        Assert.Equal(TerminalMarkdown.ToPlainText(saved.Text), Printed.Answer(chat.Output.Text));
        Assert.Contains("… Writing the answer…\n", chat.Output.Text);
        Assert.Matches(@"\n\[\d+ tokens in, \d+ out\]\n$", chat.Output.Text);
        Assert.DoesNotContain("\e[", chat.Output.Text);
        Assert.Contains($"--session {chat.Terminal.SessionId}", chat.Notices.Text);
    }

    [Fact]
    public async Task Run_SocketDroppedMidAnswer_ReconnectsResumesAndPrintsTheSavedAnswerOnce()
    {
        using var chat = new Harness(Options("term-drop"));
        chat.Input.Type(Question);
        var running = chat.RunAsync();
        await chat.Output.WaitForAsync(text => Printed.AnswerSoFar(text).Length > 0);

        chat.Sockets.First().Abort();
        var shownBeforeTheDrop = Printed.AnswerSoFar(chat.Output.Text);
        await chat.Notices.WaitForAsync(text => text.Contains("Reconnected; resuming session", StringComparison.Ordinal));
        chat.Input.End();
        var exitCode = await running;

        Assert.Equal(ChatTerminal.ExitOk, exitCode);
        Assert.Equal(2, chat.Sockets.Count);
        var saved = await SavedAnswerAsync(chat.Terminal.SessionId!);
        Assert.True(shownBeforeTheDrop.Length < saved.Text.Length, "the socket was dropped after the answer had ended");
        Assert.Equal(TerminalMarkdown.ToPlainText(saved.Text), Printed.Answer(chat.Output.Text));
        Assert.DoesNotContain("restarted", chat.Output.Text);
    }

    [Fact]
    public async Task Stop_WhileTheAnswerStreams_EndsTheTurnStoppedWithThePartialAnswerSaved()
    {
        using var chat = new Harness(Options("term-stop"));
        chat.Input.Type(Question);
        var running = chat.RunAsync();
        await chat.Output.WaitForAsync(text => Printed.AnswerSoFar(text).Length > 0);

        chat.Input.Type("/stop");
        chat.Input.End();
        var exitCode = await running;

        Assert.Equal(ChatTerminal.ExitOk, exitCode);
        Assert.Contains("\n[stopped · ", chat.Output.Text);
        var saved = await SavedAnswerAsync(chat.Terminal.SessionId!);
        Assert.Equal(MessageStatuses.Cancelled, saved.Status);
        Assert.Equal(TerminalMarkdown.ToPlainText(saved.Text), Printed.Answer(chat.Output.Text));
    }

    [Fact]
    public async Task Run_NewThenASecondLine_StartsASecondSession()
    {
        using var chat = new Harness(Options("term-new"));
        chat.Input.Type("Hello");
        chat.Input.Type("/new");
        chat.Input.Type("Hello again");
        chat.Input.End();

        var exitCode = await chat.RunAsync();

        Assert.Equal(ChatTerminal.ExitOk, exitCode);
        var left = chat.Output.Text.Split('\n').Single(line => line.StartsWith("… Left session ", StringComparison.Ordinal));
        var firstSession = left["… Left session ".Length..left.IndexOf(';', StringComparison.Ordinal)];
        Assert.NotEqual(firstSession, chat.Terminal.SessionId);
        Assert.Single(await _host.Services.GetRequiredService<IHistoryStore>().ReadLatestAsync(
            firstSession, long.MaxValue, 10, CancellationToken.None),
            m => m.Role == MessageRoles.Assistant);
        var saved = await SavedAnswerAsync(chat.Terminal.SessionId!);
        Assert.Equal(TerminalMarkdown.ToPlainText(saved.Text), Printed.Answer(chat.Output.Text));
    }

    [Theory]
    [InlineData("--url", "http://127.0.0.1:5080/local")]
    [InlineData("--url", "wss://chat.example.com/prod")]
    [InlineData("--user")]
    [InlineData("--session", "not a session")]
    [InlineData("--colour", "always")]
    public async Task Command_BadOptions_ExitsTwoWithOneReasonAndTheUsage(params string[] args)
    {
        var output = new ObservedWriter();
        var notices = new ObservedWriter();

        var exitCode = await TerminalCommand.RunAsync(
            args, new TerminalConsole(new TypedLines(), output, notices, Ansi: false), CancellationToken.None);

        Assert.Equal(ChatTerminal.ExitBadOptions, exitCode);
        var lines = notices.Text.Split('\n');
        Assert.DoesNotContain("Usage", lines[0], StringComparison.Ordinal);
        Assert.NotEmpty(lines[0]);
        Assert.StartsWith("Usage: dotnet run --project Local -- chat", lines[1].Trim());
        Assert.Empty(output.Text);
    }

    [Fact]
    public async Task Command_NothingListening_ExitsOneSayingItCouldNotConnect()
    {
        var url = $"ws://127.0.0.1:{LoopbackPort.Free()}/local";
        var notices = new ObservedWriter();

        var exitCode = await TerminalCommand.RunAsync(
            ["--url", url], new TerminalConsole(new TypedLines(), new ObservedWriter(), notices, Ansi: false), CancellationToken.None);

        Assert.Equal(ChatTerminal.ExitCouldNotConnect, exitCode);
        Assert.StartsWith($"Could not connect to {url}: ", notices.Text);
    }

    [Fact]
    public async Task Run_ReplayRepeatsTextAndTheAnswerRestarts_PrintsEachTextOnceThenMarksTheRestart()
    {
        using var peer = new ScriptedPeer();
        var input = new TypedLines();
        var output = new ObservedWriter();
        var notices = new ObservedWriter();
        var terminal = new ChatTerminal(new TerminalConsole(input, output, notices, Ansi: false), ScriptedOptions, peer.ConnectAsync);
        input.Type("Hello?");
        input.End();
        var running = RunAsync(terminal);

        var first = await peer.AcceptAsync();
        var requestId = (await ScriptedPeer.ReceiveAsync(first)).GetProperty("requestId").GetString();
        await ScriptedPeer.SendAsync(first,
            $$"""{"type":"ack","requestId":"{{requestId}}","sessionId":"s-1"}""",
            $$"""{"type":"status","requestId":"{{requestId}}","sessionId":"s-1","seq":1,"phase":"streaming","message":"Writing the """
            + $$"""answer…"}""",
            $$"""{"type":"token","requestId":"{{requestId}}","sessionId":"s-1","seq":2,"text":"Hel"}""",
            $$"""{"type":"token","requestId":"{{requestId}}","sessionId":"s-1","seq":3,"text":"lo"}""");
        await output.WaitForAsync(text => text.EndsWith("Hello", StringComparison.Ordinal));
        first.Abort();

        var second = await peer.AcceptAsync();
        var resume = await ScriptedPeer.ReceiveAsync(second);
        await ScriptedPeer.SendAsync(second,
            $$"""{"type":"token","requestId":"{{requestId}}","sessionId":"s-1","seq":3,"text":"lo"}""",
            $$"""{"type":"token","requestId":"{{requestId}}","sessionId":"s-1","firstSeq":2,"seq":5,"text":"Hello, world"}""",
            """{"type":"resumed","sessionId":"s-1","lastSeq":5}""",
            $$"""{"type":"status","requestId":"{{requestId}}","sessionId":"s-1","seq":6,"phase":"streaming","message":"Writing the """
            + $$"""answer…"}""",
            $$"""{"type":"token","requestId":"{{requestId}}","sessionId":"s-1","seq":7,"text":"Hi again"}""",
            $$"""{"type":"done","requestId":"{{requestId}}","sessionId":"s-1","seq":8,"stopReason":"end_turn","usage":{"inputTokens":3"""
            + $$""","outputTokens":4},"model":"scripted"}""");
        await ScriptedPeer.AnswerCloseAsync(second);

        Assert.Equal(ChatTerminal.ExitOk, await running);
        Assert.Equal("resume", resume.GetProperty("action").GetString());
        Assert.Equal("s-1", resume.GetProperty("sessionId").GetString());
        Assert.Equal(3, resume.GetProperty("afterSeq").GetInt64());
        Assert.Equal(
            "… Writing the answer…\nHello, world\n"
            + "↻ The answer restarted: the text above is replaced by what follows.\n"
            + "… Writing the answer…\nHi again\n[3 tokens in, 4 out]\n",
            output.Text);
        Assert.Contains("Reconnected; resuming session s-1 after seq 3.", notices.Text);
    }

    [Fact]
    public async Task Run_DroppedBeforeTheAck_SendsTheSameMessageAgainThenResumesTheNewSessionFromTheStart()
    {
        using var peer = new ScriptedPeer();
        var input = new TypedLines();
        var output = new ObservedWriter();
        var terminal = new ChatTerminal(
            new TerminalConsole(input, output, new ObservedWriter(), Ansi: true), ScriptedOptions, peer.ConnectAsync);
        input.Type("Hello?");
        input.End();
        var running = RunAsync(terminal);

        var first = await peer.AcceptAsync();
        var sent = await ScriptedPeer.ReceiveAsync(first);
        first.Abort();
        var second = await peer.AcceptAsync();
        var sentAgain = await ScriptedPeer.ReceiveAsync(second);
        var requestId = sentAgain.GetProperty("requestId").GetString();
        await ScriptedPeer.SendAsync(second, $$"""{"type":"ack","requestId":"{{requestId}}","sessionId":"s-2"}""");
        var resume = await ScriptedPeer.ReceiveAsync(second);
        await ScriptedPeer.SendAsync(second,
            $$"""{"type":"status","requestId":"{{requestId}}","sessionId":"s-2","seq":1,"phase":"streaming","message":"Writing the """
            + $$"""answer…"}""",
            $$"""{"type":"token","requestId":"{{requestId}}","sessionId":"s-2","seq":2,"text":"Hi"}""",
            """{"type":"resumed","sessionId":"s-2","lastSeq":2}""",
            $$"""{"type":"done","requestId":"{{requestId}}","sessionId":"s-2","seq":3,"stopReason":"max_tokens","usage":{"inputTokens":1"""
            + $$""","outputTokens":1},"model":"scripted"}""");
        await ScriptedPeer.AnswerCloseAsync(second);

        Assert.Equal(ChatTerminal.ExitOk, await running);
        Assert.Equal(sent.GetRawText(), sentAgain.GetRawText());
        Assert.False(sent.TryGetProperty("sessionId", out _));
        Assert.Equal("""{"action":"resume","sessionId":"s-2","afterSeq":0}""", resume.GetRawText());
        Assert.Equal(
            "\e[2m… Writing the answer…\e[0m\nHi\n\e[2m[cut off at the output limit (max_tokens) · 1 tokens in, 1 out]\e[0m\n",
            output.Text);
        Assert.Equal("s-2", terminal.SessionId);
    }

    [Fact]
    public async Task Run_ServerGoneForGood_GivesUpAfterTheAttemptsAndExitsOne()
    {
        using var peer = new ScriptedPeer();
        var input = new TypedLines();
        var notices = new ObservedWriter();
        var terminal = new ChatTerminal(
            new TerminalConsole(input, new ObservedWriter(), notices, Ansi: false), ScriptedOptions with { MaxReconnectAttempts = 2 },
            peer.ConnectAsync);
        input.Type("Hello?");
        var running = RunAsync(terminal);

        var first = await peer.AcceptAsync();
        await ScriptedPeer.ReceiveAsync(first);
        peer.RefuseFromNowOn();
        first.Abort();

        Assert.Equal(ChatTerminal.ExitCouldNotConnect, await running);
        Assert.Contains($"Could not reconnect to {ScriptedOptions.Url} after 2 attempts: refused by the test", notices.Text);
        Assert.Equal(3, peer.ConnectAttempts);
    }

    [Fact]
    public async Task Run_ServerBackAfterManyRefusedAttempts_ReconnectsAndSendsTheMessageAgain()
    {
        using var peer = new ScriptedPeer();
        var input = new TypedLines();
        var notices = new ObservedWriter();
        var terminal = new ChatTerminal(
            new TerminalConsole(input, new ObservedWriter(), notices, Ansi: false), ScriptedOptions, peer.ConnectAsync);
        input.Type("Hello?");
        input.End();
        var running = RunAsync(terminal);

        var first = await peer.AcceptAsync();
        var sent = await ScriptedPeer.ReceiveAsync(first);
        peer.RefuseNext(20);
        first.Abort();
        var second = await peer.AcceptAsync();
        var again = await ScriptedPeer.ReceiveAsync(second);
        var requestId = again.GetProperty("requestId").GetString();
        await ScriptedPeer.SendAsync(second, $$"""{"type":"ack","requestId":"{{requestId}}","sessionId":"s-3"}""");
        await ScriptedPeer.ReceiveAsync(second);
        await ScriptedPeer.SendAsync(second,
            $$"""{"type":"done","requestId":"{{requestId}}","sessionId":"s-3","seq":1,"stopReason":"end_turn","usage":{"inputTokens":1"""
            + $$""","outputTokens":1},"model":"scripted"}""");
        await ScriptedPeer.AnswerCloseAsync(second);

        Assert.Equal(ChatTerminal.ExitOk, await running);
        Assert.Equal(22, peer.ConnectAttempts);
        Assert.Equal(sent.GetRawText(), again.GetRawText());
        Assert.Contains("Offline. Attempt 20 in 0 s (refused by the test)…", notices.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("Could not reconnect", notices.Text, StringComparison.Ordinal);
    }

    private static readonly TerminalOptions ScriptedOptions = new() { Token = "scripted", FirstReconnectDelay = TimeSpan.Zero };

    private TerminalOptions Options(string user) =>
        new() { Url = _host.Options.WebSocketUrl, User = user, FirstReconnectDelay = TimeSpan.Zero };

    private async Task<HistoryMessage> SavedAnswerAsync(string sessionId) =>
        (await _host.Services.GetRequiredService<IHistoryStore>().ReadLatestAsync(sessionId, long.MaxValue, 10, CancellationToken.None))
            .Single(m => m.Role == MessageRoles.Assistant);

    private static async Task<int> RunAsync(ChatTerminal terminal)
    {
        using var timeout = new CancellationTokenSource(ChatConnection.DefaultPatience);
        return await terminal.RunAsync(timeout.Token);
    }

    /// <summary>A terminal on the local stack, with typed input, observed output and every socket it opened.</summary>
    private sealed class Harness : IDisposable
    {
        private readonly HttpClient _http = new();

        public Harness(TerminalOptions options)
        {
            var connector = new ConduitConnector(options, _http);
            Terminal = new ChatTerminal(new TerminalConsole(Input, Output, Notices, Ansi: false), options, async cancellationToken =>
            {
                var socket = await connector.ConnectAsync(cancellationToken);
                Sockets.Enqueue(socket);
                return socket;
            });
        }

        public TypedLines Input { get; } = new();
        public ObservedWriter Output { get; } = new();
        public ObservedWriter Notices { get; } = new();
        public ConcurrentQueue<WebSocket> Sockets { get; } = new();
        public ChatTerminal Terminal { get; }

        public Task<int> RunAsync() => TerminalClientTests.RunAsync(Terminal);

        public void Dispose() => _http.Dispose();
    }

    /// <summary>What a reader of the output takes as the answer: the text after the last status line, before the summary.</summary>
    private static class Printed
    {
        public static string Answer(string output)
        {
            var answer = AnswerSoFar(output);
            var summary = answer.LastIndexOf("\n[", StringComparison.Ordinal);
            return summary < 0 ? answer : answer[..summary];
        }

        public static string AnswerSoFar(string output)
        {
            var last = output.LastIndexOf("\n… ", StringComparison.Ordinal);
            var status = last >= 0 ? last + 1 : output.StartsWith("… ", StringComparison.Ordinal) ? 0 : -1;
            var end = status < 0 ? -1 : output.IndexOf('\n', status);
            return end < 0 ? "" : output[(end + 1)..];
        }
    }

    private sealed class TypedLines : TextReader
    {
        private readonly Channel<string> _lines = Channel.CreateUnbounded<string>();

        public void Type(string line) => _lines.Writer.TryWrite(line);

        public void End() => _lines.Writer.TryComplete();

        public override async ValueTask<string?> ReadLineAsync(CancellationToken cancellationToken) =>
            await _lines.Reader.WaitToReadAsync(cancellationToken) && _lines.Reader.TryRead(out var line) ? line : null;
    }

    /// <summary>A writer whose text can be awaited: a test waits for output to appear, never for time to pass.</summary>
    private sealed class ObservedWriter : TextWriter
    {
        private readonly Lock _gate = new();
        private readonly StringBuilder _text = new();
        private readonly List<(Func<string, bool> Condition, TaskCompletionSource Reached)> _waiters = [];

        public ObservedWriter() => CoreNewLine = ['\n'];

        public override Encoding Encoding => Encoding.UTF8;

        public string Text
        {
            get
            {
                lock (_gate) return _text.ToString();
            }
        }

        public override void Write(char value) => Append(value.ToString());

        public override void Write(string? value) => Append(value ?? "");

        public override void Write(char[] buffer, int index, int count) => Append(new string(buffer, index, count));

        public async Task WaitForAsync(Func<string, bool> condition)
        {
            var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            lock (_gate)
            {
                if (condition(_text.ToString())) return;
                _waiters.Add((condition, reached));
            }
            await reached.Task.WaitAsync(ChatConnection.DefaultPatience);
        }

        private void Append(string value)
        {
            lock (_gate)
            {
                _text.Append(value);
                var text = _text.ToString();
                foreach (var waiter in _waiters.Where(w => w.Condition(text)).ToList())
                {
                    waiter.Reached.TrySetResult();
                    _waiters.Remove(waiter);
                }
            }
        }
    }

    /// <summary>
    /// The server end of each socket the terminal opens, over real loopback TCP, for a test to script: how a
    /// restarted stack or a lost ack looks on the wire cannot be produced on demand by the real one.
    /// </summary>
    private sealed class ScriptedPeer : IDisposable
    {
        private readonly Channel<WebSocket> _accepted = Channel.CreateUnbounded<WebSocket>();
        private readonly ConcurrentBag<TcpClient> _tcp = [];
        private int _connectAttempts;
        private volatile bool _refusing;
        private int _refusalsLeft;

        public int ConnectAttempts => _connectAttempts;

        public void RefuseFromNowOn() => _refusing = true;

        /// <summary>Refuses the next <paramref name="count"/> connection attempts, then accepts again.</summary>
        public void RefuseNext(int count) => Interlocked.Exchange(ref _refusalsLeft, count);

        public async Task<WebSocket> ConnectAsync(CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _connectAttempts);
            if (_refusing || Interlocked.Decrement(ref _refusalsLeft) >= 0) throw new WebSocketException("refused by the test");
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            var client = new TcpClient();
            _tcp.Add(client);
            var connecting = client.ConnectAsync((IPEndPoint)listener.LocalEndpoint, cancellationToken);
            var server = await listener.AcceptTcpClientAsync(cancellationToken);
            _tcp.Add(server);
            await connecting;
            _accepted.Writer.TryWrite(WebSocket.CreateFromStream(server.GetStream(), new WebSocketCreationOptions { IsServer = true }));
            return WebSocket.CreateFromStream(client.GetStream(), new WebSocketCreationOptions());
        }

        public async Task<WebSocket> AcceptAsync()
        {
            using var timeout = new CancellationTokenSource(ChatConnection.DefaultPatience);
            return await _accepted.Reader.ReadAsync(timeout.Token);
        }

        public static async Task<JsonElement> ReceiveAsync(WebSocket socket)
        {
            using var timeout = new CancellationTokenSource(ChatConnection.DefaultPatience);
            var buffer = new byte[16 * 1024];
            using var message = new MemoryStream();
            ValueWebSocketReceiveResult received;
            do
            {
                received = await socket.ReceiveAsync(buffer.AsMemory(), timeout.Token);
                Assert.Equal(WebSocketMessageType.Text, received.MessageType);
                message.Write(buffer, 0, received.Count);
            }
            while (!received.EndOfMessage);
            using var document = JsonDocument.Parse(message.ToArray());
            return document.RootElement.Clone();
        }

        public static async Task SendAsync(WebSocket socket, params string[] frames)
        {
            foreach (var frame in frames)
                await socket.SendAsync(
                    Encoding.UTF8.GetBytes(frame), WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None);
        }

        /// <summary>Waits for the terminal's close frame and answers it, as a server does when a client leaves.</summary>
        public static async Task AnswerCloseAsync(WebSocket socket)
        {
            using var timeout = new CancellationTokenSource(ChatConnection.DefaultPatience);
            var received = await socket.ReceiveAsync(new byte[1024].AsMemory(), timeout.Token);
            Assert.Equal(WebSocketMessageType.Close, received.MessageType);
            await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "bye", timeout.Token);
        }

        public void Dispose()
        {
            foreach (var tcp in _tcp) tcp.Dispose();
        }
    }
}
