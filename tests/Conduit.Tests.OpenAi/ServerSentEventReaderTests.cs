using System.Text;
using Conduit.OpenAi;

namespace Conduit.Tests.OpenAi;

public sealed class ServerSentEventReaderTests
{
    [Fact]
    public async Task ReadAsync_MultiLineDataWithCommentsAndUnknownFields_JoinsDataLines()
    {
        var events = await ReadAll(": ping\nid: 7\nretry: 1000\nevent: message\ndata: first\ndata:second\nx-custom: y\n\ndata: third\n\n");

        Assert.Equal([new ServerSentEvent("message", "first\nsecond"), new ServerSentEvent(null, "third")], events);
    }

    [Fact]
    public async Task ReadAsync_MixedLineEnds_SplitsEventsOnBlankLines()
    {
        var events = await ReadAll("data: a\r\n\r\ndata: b\r\rdata: c\n\n");

        Assert.Equal(["a", "b", "c"], events.Select(e => e.Data));
    }

    [Fact]
    public async Task ReadAsync_EventTypeWithoutData_IsNotDispatchedAndDoesNotLeak()
    {
        var events = await ReadAll("event: orphan\n\ndata: x\n\n");

        Assert.Equal([new ServerSentEvent(null, "x")], events);
    }

    [Fact]
    public async Task ReadAsync_StreamEndsInsideEvent_DispatchesIt()
    {
        var events = await ReadAll("data: one\n\ndata: [DONE]");

        Assert.Equal(["one", "[DONE]"], events.Select(e => e.Data));
    }

    [Fact]
    public async Task ReadAsync_ErrorField_DispatchesErrorEvent()
    {
        var events = await ReadAll("error: {\"message\":\"boom\"}\n\n");

        Assert.Equal([new ServerSentEvent(ServerSentEvent.ErrorType, "{\"message\":\"boom\"}")], events);
    }

    [Fact]
    public async Task ReadAsync_BareJsonLine_DispatchesItAsData()
    {
        var events = await ReadAll("{\"error\":{\"message\":\"boom\"}}\n");

        Assert.Equal([new ServerSentEvent(null, "{\"error\":{\"message\":\"boom\"}}")], events);
    }

    private static async Task<List<ServerSentEvent>> ReadAll(string text)
    {
        var reader = new ServerSentEventReader(new MemoryStream(Encoding.UTF8.GetBytes(text)));
        var events = new List<ServerSentEvent>();
        while (await reader.ReadAsync(CancellationToken.None) is { } serverEvent) events.Add(serverEvent);
        return events;
    }
}
