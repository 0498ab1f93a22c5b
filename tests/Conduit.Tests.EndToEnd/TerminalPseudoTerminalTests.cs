using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;
using Conduit.Tests.EndToEnd.Support;
using Conduit.Tests.Support;

namespace Conduit.Tests.EndToEnd;

/// <summary>
/// The terminal client as a person meets it: its own process in a pseudo-terminal (script(1)), keys typed one by one,
/// against the real local stack.
/// </summary>
public sealed partial class TerminalPseudoTerminalTests : IAsyncLifetime
{
    private const string Draft = "zqxw";
    private LocalStackHost _host = null!;

    public async Task InitializeAsync() =>
        _host = await LocalStackHost.StartAsync(
            options => options with { Model = options.Model with { TokenDelay = TimeSpan.FromMilliseconds(5) } });

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Chat_InAPseudoTerminal_ShowsAPromptFirstAndKeepsTypingApartFromTheAnswer()
    {
        var client = Path.Combine(AppContext.BaseDirectory, "Conduit.Local.dll");
        await using var terminal = PseudoTerminal.Start($"dotnet {client} chat --url {_host.Options.WebSocketUrl} --user pty");

        var prompt = await terminal.WaitForAsync(screen => screen.Contains('›', StringComparison.Ordinal));
        Assert.DoesNotContain("tokens in", prompt, StringComparison.Ordinal);
        await terminal.TypeAsync("What does the Dispatcher do?\r");
        await terminal.TypeAsync(Draft);
        var answered = await terminal.WaitForAsync(screen => screen.Contains("tokens in", StringComparison.Ordinal));
        var waiting = await terminal.WaitForAsync(screen => screen.Contains($"› {Draft}", StringComparison.Ordinal));
        await terminal.TypeAsync("\u0015\u0004");
        var exitCode = await terminal.WaitForExitAsync();

        Assert.Equal(0, exitCode);
        Assert.Contains("› What does the Dispatcher do?", answered, StringComparison.Ordinal);
        var summary = answered.LastIndexOf("tokens in", StringComparison.Ordinal);
        Assert.DoesNotContain(Draft, answered[..summary], StringComparison.Ordinal);
        Assert.True(waiting.LastIndexOf($"› {Draft}", StringComparison.Ordinal) > summary, "the draft was not shown after the answer");
        Assert.Contains("continue it with --session", terminal.Screen, StringComparison.Ordinal);
    }

    /// <summary>A command run under script(1), so that it has a terminal; its output as the terminal shows it, escapes removed.</summary>
    private sealed partial class PseudoTerminal : IAsyncDisposable
    {
        private static readonly TimeSpan Patience = TimeSpan.FromMinutes(1);

        private readonly Process _process;
        private readonly StringBuilder _output = new();
        private readonly Lock _lock = new();
        private readonly Task _reading;
        private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

        private PseudoTerminal(Process process)
        {
            _process = process;
            _reading = Task.Run(ReadAsync);
        }

        public string Screen
        {
            get
            {
                lock (_lock) return Escapes().Replace(_output.ToString(), "");
            }
        }

        public static PseudoTerminal Start(string command)
        {
            var startInfo = new ProcessStartInfo("script", ["-qfec", command, "/dev/null"])
            {
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            startInfo.Environment["TERM"] = "xterm";
            startInfo.Environment.Remove("NO_COLOR");
            return new PseudoTerminal(Process.Start(startInfo)!);
        }

        public async Task TypeAsync(string keys)
        {
            await _process.StandardInput.WriteAsync(keys);
            await _process.StandardInput.FlushAsync();
        }

        /// <summary>The screen once <paramref name="condition"/> holds for it; fails with the screen when it never does.</summary>
        public async Task<string> WaitForAsync(Func<string, bool> condition)
        {
            using var timeout = new CancellationTokenSource(Patience);
            while (true)
            {
                Task changed;
                lock (_lock) changed = _changed.Task;
                var screen = Screen;
                if (condition(screen)) return screen;
                if (_reading.IsCompleted) Assert.Fail($"The terminal ended first. It showed:\n{screen}");
                try
                {
                    await changed.WaitAsync(timeout.Token);
                }
                catch (OperationCanceledException)
                {
                    Assert.Fail($"The terminal never showed what was awaited. It showed:\n{screen}");
                }
            }
        }

        public async Task<int> WaitForExitAsync()
        {
            using var timeout = new CancellationTokenSource(Patience);
            await _process.WaitForExitAsync(timeout.Token);
            await _reading;
            return _process.ExitCode;
        }

        public async ValueTask DisposeAsync()
        {
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
            _process.Dispose();
        }

        private async Task ReadAsync()
        {
            var buffer = new char[4096];
            int read;
            while ((read = await _process.StandardOutput.ReadAsync(buffer)) > 0)
            {
                lock (_lock)
                {
                    _output.Append(buffer, 0, read);
                    _changed.TrySetResult();
                    _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                }
            }
            lock (_lock) _changed.TrySetResult();
        }

        [GeneratedRegex(@"\e(\[[0-9;?]*[A-Za-z]|[=>()][0-9A-Za-z]?|\][^\a]*\a)")]
        private static partial Regex Escapes();
    }
}
