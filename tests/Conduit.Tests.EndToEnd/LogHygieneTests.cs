using System.Collections.Concurrent;
using Conduit.Tests.EndToEnd.Support;
using Conduit.Tests.Support;
using Microsoft.Extensions.Logging;

namespace Conduit.Tests.EndToEnd;

/// <summary>Nothing a user typed and no token reaches the logs at Information level or above.</summary>
public sealed class LogHygieneTests : IAsyncLifetime
{
    private readonly CapturingLoggerProvider _logs = new();
    private LocalStackHost _host = null!;

    public async Task InitializeAsync() =>
        _host = await LocalStackHost.StartAsync(overrides: services => services.AddSingleton<ILoggerProvider>(_logs));

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Logs_DuringTurnsAndRefusals_HoldNoTokenAndNoMessageText()
    {
        const string secret = "PurpleElephant42";
        var token = await _host.TokenForAsync("alice");
        await using (var chat = await ChatConnection.OpenAsync(_host.Options.WebSocketUrl, token: token))
        {
            await chat.SendMessageAsync("hygiene-1", $"My password is {secret}, how does the Dispatcher work?");
            await chat.AckAsync("hygiene-1");
            await chat.ReadTurnAsync("hygiene-1");
            await chat.SendTextAsync($$"""{"action":"sendMessage","requestId":"bad id","text":"{{secret}}"}""");
            await chat.NextAsync();
        }
        await Assert.ThrowsAnyAsync<Exception>(
            () => ChatConnection.OpenAsync(_host.Options.WebSocketUrl, token: JwtTestTokens.Tampered(token)));

        var lines = _logs.Lines.Where(l => l.Level >= LogLevel.Information).ToList();
        Assert.NotEmpty(lines);
        Assert.Contains(lines, l => l.Text.Contains("refused", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.Text.Contains(secret, StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.Text.Contains(token[..40], StringComparison.Ordinal));
    }

    private sealed class CapturingLoggerProvider : ILoggerProvider
    {
        private readonly ConcurrentQueue<(LogLevel Level, string Text)> _lines = new();

        public IReadOnlyList<(LogLevel Level, string Text)> Lines => [.. _lines];

        public ILogger CreateLogger(string categoryName) => new Logger(this);

        public void Dispose()
        {
        }

        private sealed class Logger(CapturingLoggerProvider owner) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(
                LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                owner._lines.Enqueue((logLevel, $"{formatter(state, exception)} {exception}"));
        }
    }
}
