using System.Text.Json;
using Conduit.Core.Protocol;
using Conduit.Core.Serialization;

namespace Conduit.Tests.Core.Protocol;

public sealed class ProtocolParserTests
{
    private static readonly ProtocolLimits Limits = new() { MaxTextLength = 10 };

    [Theory]
    [InlineData("""{"action":"sendMessage","requestId":"r1","text":"hi"}""", RouteKeys.SendMessage)]
    [InlineData("""{"action":"ping"}""", RouteKeys.Ping)]
    [InlineData("""{"action":"SendMessage"}""", RouteKeys.Default)]
    [InlineData("""{"action":"dance"}""", RouteKeys.Default)]
    [InlineData("""{"action":7}""", RouteKeys.Default)]
    [InlineData("""{"text":"no action"}""", RouteKeys.Default)]
    [InlineData("""["action","ping"]""", RouteKeys.Default)]
    [InlineData("not json", RouteKeys.Default)]
    [InlineData("", RouteKeys.Default)]
    public void SelectRoute_Body_RoutesLikeApiGateway(string body, string expected) =>
        Assert.Equal(expected, ProtocolParser.SelectRoute(body, isBase64Encoded: false));

    [Theory]
    [InlineData("""{"action":"resume","sessionId":"s","afterSeq":0}""", RouteKeys.Resume)]
    [InlineData("""{"action":"cancel","requestId":"r"}""", RouteKeys.Cancel)]
    [InlineData("""{"action":"history","sessionId":"s"}""", RouteKeys.History)]
    public void SelectRoute_SessionActions_HaveTheirOwnRoutes(string body, string expected) =>
        Assert.Equal(expected, ProtocolParser.SelectRoute(body, isBase64Encoded: false));

    [Fact]
    public void SelectRoute_BinaryFrame_GoesToDefault() =>
        Assert.Equal(RouteKeys.Default, ProtocolParser.SelectRoute("""{"action":"ping"}""", isBase64Encoded: true));

    [Fact]
    public void ParseSendMessage_ValidFrame_ReturnsCommand()
    {
        var parsed = ProtocolParser.ParseSendMessage(
            """{"action":"sendMessage","requestId":"req-1_A","sessionId":"s1","text":"héllo 👋","extra":1}""", false, Limits);

        Assert.Null(parsed.Error);
        Assert.Equal(new SendMessageCommand("req-1_A", "s1", "héllo 👋"), parsed.Value);
    }

    [Fact]
    public void ParseSendMessage_NullSessionId_MeansNewSession()
    {
        var parsed = ProtocolParser.ParseSendMessage("""{"requestId":"r","sessionId":null,"text":"x"}""", false, Limits);

        Assert.Null(parsed.Value!.SessionId);
    }

    [Theory]
    [InlineData("{", ErrorCodes.InvalidJson, null)]
    [InlineData("", ErrorCodes.InvalidJson, null)]
    [InlineData("42", ErrorCodes.InvalidJson, null)]
    [InlineData("""{"requestId":"r","text":"a",}""", ErrorCodes.InvalidJson, null)]
    [InlineData("""{"requestId":"r","requestId":"s","text":"a"}""", ErrorCodes.InvalidJson, null)]
    [InlineData("""{"text":"a"}""", ErrorCodes.MissingField, null)]
    [InlineData("""{"requestId":5,"text":"a"}""", ErrorCodes.InvalidField, null)]
    [InlineData("""{"requestId":"has space","text":"a"}""", ErrorCodes.InvalidField, null)]
    [InlineData("""{"requestId":"","text":"a"}""", ErrorCodes.InvalidField, null)]
    [InlineData("""{"requestId":"r","sessionId":3,"text":"a"}""", ErrorCodes.InvalidField, "r")]
    [InlineData("""{"requestId":"r","sessionId":"a/b","text":"a"}""", ErrorCodes.InvalidField, "r")]
    [InlineData("""{"requestId":"r"}""", ErrorCodes.MissingField, "r")]
    [InlineData("""{"requestId":"r","text":["a"]}""", ErrorCodes.InvalidField, "r")]
    [InlineData("""{"requestId":"r","text":"   "}""", ErrorCodes.EmptyText, "r")]
    [InlineData("""{"requestId":"r","text":""}""", ErrorCodes.EmptyText, "r")]
    [InlineData("""{"requestId":"r","text":"12345678901"}""", ErrorCodes.TextTooLong, "r")]
    [InlineData("""{"requestId":"r","text":"\ud800"}""", ErrorCodes.InvalidField, "r")]
    [InlineData("""{"requestId":"\udead","text":"a"}""", ErrorCodes.InvalidField, null)]
    public void ParseSendMessage_BadFrame_ReturnsPreciseError(string body, string code, string? requestId)
    {
        var parsed = ProtocolParser.ParseSendMessage(body, false, Limits);

        Assert.Null(parsed.Value);
        Assert.Equal(code, parsed.Error!.Code);
        Assert.Equal(requestId, parsed.Error.RequestId);
        Assert.False(parsed.Error.Retryable);
        Assert.False(string.IsNullOrWhiteSpace(parsed.Error.Message));
    }

    [Fact]
    public void ParseSendMessage_TextAtLimitCountedInCharacters_IsAccepted()
    {
        var tenEmoji = string.Concat(Enumerable.Repeat("👋", 10));

        var parsed = ProtocolParser.ParseSendMessage(
            JsonSerializer.Serialize(new Dictionary<string, string> { ["requestId"] = "r", ["text"] = tenEmoji }), false, Limits);

        Assert.Null(parsed.Error);
    }

    [Fact]
    public void ParseSendMessage_DeeplyNested_IsInvalidJson()
    {
        var body = """{"requestId":"r","text":"a","x":""" + new string('[', 64) + new string(']', 64) + "}";

        Assert.Equal(ErrorCodes.InvalidJson, ProtocolParser.ParseSendMessage(body, false, Limits).Error!.Code);
    }

    [Fact]
    public void ParseSendMessage_Binary_IsUnsupportedFrame() =>
        Assert.Equal(ErrorCodes.UnsupportedFrame, ProtocolParser.ParseSendMessage("AAEC", true, Limits).Error!.Code);

    [Theory]
    [InlineData("""{"action":"dance"}""", ErrorCodes.UnknownAction)]
    [InlineData("""{"text":"hi"}""", ErrorCodes.MissingField)]
    [InlineData("""{"action":false}""", ErrorCodes.InvalidField)]
    [InlineData("{{", ErrorCodes.InvalidJson)]
    [InlineData("[]", ErrorCodes.InvalidJson)]
    public void DescribeUnrouted_Body_NamesTheProblem(string body, string code) =>
        Assert.Equal(code, ProtocolParser.DescribeUnrouted(body, false).Code);

    [Fact]
    public void DescribeUnrouted_UnknownAction_QuotesItWithoutControlCharacters()
    {
        var error = ProtocolParser.DescribeUnrouted("{\"action\":\"da\\u0007nce\"}", false);

        Assert.Contains("da?nce", error.Message);
    }

    [Fact]
    public void ParseResume_ValidFrame_ReturnsCommand() =>
        Assert.Equal(
            new ResumeCommand("s-1", 42),
            ProtocolParser.ParseResume("""{"action":"resume","sessionId":"s-1","afterSeq":42}""", false).Value);

    [Theory]
    [InlineData("""{"afterSeq":1}""", ErrorCodes.MissingField)]
    [InlineData("""{"sessionId":"s"}""", ErrorCodes.MissingField)]
    [InlineData("""{"sessionId":"s","afterSeq":-1}""", ErrorCodes.InvalidField)]
    [InlineData("""{"sessionId":"s","afterSeq":1.5}""", ErrorCodes.InvalidField)]
    [InlineData("""{"sessionId":"s","afterSeq":"1"}""", ErrorCodes.InvalidField)]
    [InlineData("""{"sessionId":"s","afterSeq":1e30}""", ErrorCodes.InvalidField)]
    [InlineData("""{"sessionId":"a b","afterSeq":1}""", ErrorCodes.InvalidField)]
    public void ParseResume_BadFrame_ReturnsPreciseError(string body, string code) =>
        Assert.Equal(code, ProtocolParser.ParseResume(body, false).Error!.Code);

    [Fact]
    public void ParseCancel_MissingRequestId_IsMissingField() =>
        Assert.Equal(ErrorCodes.MissingField, ProtocolParser.ParseCancel("""{"action":"cancel"}""", false).Error!.Code);

    [Fact]
    public void ParseHistory_Defaults_AndLimitBounds()
    {
        Assert.Equal(
            new HistoryQuery("s", 0, 0, HistoryQuery.DefaultLimit), ProtocolParser.ParseHistory("""{"sessionId":"s"}""", false).Value);
        Assert.Equal(ErrorCodes.InvalidField, ProtocolParser.ParseHistory("""{"sessionId":"s","limit":0}""", false).Error!.Code);
        Assert.Equal(ErrorCodes.InvalidField, ProtocolParser.ParseHistory("""{"sessionId":"s","limit":501}""", false).Error!.Code);
    }

    [Fact]
    public void ServerFrame_Serialized_CarriesTypeAndCamelCaseFields()
    {
        var json = JsonSerializer.Serialize<ServerFrame>(
            new StatusFrame("r", "s", 3, Phases.Queued, "Queued"), CoreJsonContext.Wire.ServerFrame);

        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        Assert.Equal("status", root.GetProperty("type").GetString());
        Assert.Equal(3, root.GetProperty("seq").GetInt64());
        Assert.Equal("queued", root.GetProperty("phase").GetString());
    }

    [Fact]
    public void ServerFrame_WireSerialization_KeepsTextReadable()
    {
        var json = JsonSerializer.Serialize<ServerFrame>(
            new TokenFrame("r", "s", 1, "Searching… \"quoted\" <b>é</b>"), CoreJsonContext.Wire.ServerFrame);

        Assert.Contains("Searching… \\\"quoted\\\" <b>é</b>", json);
    }

    [Fact]
    public void ErrorFrame_ProtocolError_HasNoSeqOrSession()
    {
        var json = JsonSerializer.Serialize<ServerFrame>(
            new ErrorFrame(ErrorCodes.InvalidJson, "bad", null, false), CoreJsonContext.Wire.ServerFrame);

        Assert.Equal("""{"type":"error","code":"invalid_json","message":"bad","retryable":false}""", json);
    }

    [Theory]
    [InlineData("afterIndex", long.MaxValue)]
    [InlineData("afterIndex", long.MaxValue - 1)]
    [InlineData("afterSeq", long.MaxValue - 100)]
    public void ParseHistory_PositionNearTheLargestLong_IsAnInvalidField(string field, long position)
    {
        var parsed = ProtocolParser.ParseHistory($$"""{"action":"history","sessionId":"s1","{{field}}":{{position}}}""", false);

        Assert.Equal(ErrorCodes.InvalidField, parsed.Error?.Code);
        Assert.Contains(field, parsed.Error!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void HistoryQuery_PositionsBeyondTheLargest_ReadAsTheLargest()
    {
        var query = new HistoryQuery("s", long.MaxValue, long.MaxValue, 10);

        Assert.Equal((ProtocolParser.MaxPosition, ProtocolParser.MaxPosition), (query.AfterSeq, query.AfterIndex));
    }
}
