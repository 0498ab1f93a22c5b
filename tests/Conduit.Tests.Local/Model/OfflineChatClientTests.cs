using System.Text.Json.Nodes;
using Conduit.Core.Chat;
using Conduit.Local.Model;
using Conduit.Tests.Support;
using Microsoft.Extensions.AI;

namespace Conduit.Tests.Local.Model;

public sealed class OfflineChatClientTests
{
    private const string Question = "How does the server stream tokens?";

    private static readonly OfflineModelOptions NoDelays = new() { TokenDelay = TimeSpan.Zero, FirstTokenDelay = TimeSpan.Zero };
    private static readonly ChatOptions LookupOffered = new() { Tools = [KnowledgeLookupTool.Declaration] };

    [Fact]
    public async Task GetResponseAsync_ToolOfferedAndQuestionSharesTerms_ReturnsKbLookupCall()
    {
        var response = await Client(sharesTerms: true).GetResponseAsync([new(ChatRole.User, Question)], LookupOffered);

        var message = Assert.Single(response.Messages);
        var call = Assert.IsType<FunctionCallContent>(Assert.Single(message.Contents));
        Assert.Equal(ChatRole.Assistant, message.Role);
        Assert.Equal(("kb_lookup_1", KnowledgeLookupTool.Name), (call.CallId, call.Name));
        Assert.Equal(Question, KnowledgeLookupTool.ReadQuery(call.Arguments));
        Assert.Equal(ChatFinishReason.ToolCalls, response.FinishReason);
        Assert.NotNull(response.Usage);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_ToolOfferedAndQuestionSharesTerms_StreamsOneKbLookupCallWithUsage()
    {
        var updates = await Client(sharesTerms: true)
            .GetStreamingResponseAsync([new(ChatRole.User, Question)], LookupOffered).ToListAsync();

        var update = Assert.Single(updates);
        var call = Assert.Single(update.Contents.OfType<FunctionCallContent>());
        Assert.Equal(("kb_lookup_1", KnowledgeLookupTool.Name), (call.CallId, call.Name));
        Assert.Equal(Question, KnowledgeLookupTool.ReadQuery(call.Arguments));
        Assert.Equal(ChatFinishReason.ToolCalls, update.FinishReason);
        Assert.Single(update.Contents.OfType<UsageContent>());
        Assert.Empty(update.Text);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_ToolOfferedButQuestionSharesNoTerms_StreamsTheAnswer()
    {
        var updates = await Client(sharesTerms: false)
            .GetStreamingResponseAsync([new(ChatRole.User, Question)], LookupOffered).ToListAsync();

        Assert.DoesNotContain(updates, u => u.Contents.OfType<FunctionCallContent>().Any());
        Assert.StartsWith("Offline model (not an LLM).", string.Concat(updates.Select(u => u.Text)));
    }

    [Fact]
    public async Task GetResponseAsync_ToolsAbsent_ReturnsAnswer()
    {
        var response = await Client(sharesTerms: true).GetResponseAsync([new(ChatRole.User, Question)]);

        AssertIsAnswer(response);
    }

    [Fact]
    public async Task GetResponseAsync_QuestionSharesNoTerms_ReturnsAnswer()
    {
        var response = await Client(sharesTerms: false).GetResponseAsync([new(ChatRole.User, Question)], LookupOffered);

        AssertIsAnswer(response);
    }

    [Fact]
    public async Task GetResponseAsync_ToolModeNone_ReturnsAnswer()
    {
        var options = new ChatOptions { Tools = [KnowledgeLookupTool.Declaration], ToolMode = ChatToolMode.None };

        var response = await Client(sharesTerms: true).GetResponseAsync([new(ChatRole.User, Question)], options);

        AssertIsAnswer(response);
    }

    [Fact]
    public async Task GetResponseAsync_ToolRequired_CallsToolEvenWithoutSharedTerms()
    {
        var options = new ChatOptions { Tools = [KnowledgeLookupTool.Declaration], ToolMode = ChatToolMode.RequireAny };

        var response = await Client(sharesTerms: false).GetResponseAsync([new(ChatRole.User, Question)], options);

        Assert.Equal(ChatFinishReason.ToolCalls, response.FinishReason);
    }

    [Fact]
    public async Task GetResponseAsync_ToolResultAfterQuestion_ReturnsAnswerWithoutAnotherCall()
    {
        ChatMessage[] messages = [new(ChatRole.User, Question), .. ToolRound(Passage("a.md", "A", "Tokens stream.", 1.0))];

        var response = await Client(sharesTerms: true).GetResponseAsync(messages, LookupOffered);

        AssertIsAnswer(response);
    }

    [Fact]
    public async Task GetResponseAsync_ToolResultOnlyBeforeQuestion_CallsToolForNewQuestion()
    {
        ChatMessage[] messages =
        [
            new(ChatRole.User, "earlier question"),
            .. ToolRound(Passage("a.md", "A", "Old passage.", 1.0)),
            new(ChatRole.Assistant, "earlier answer"),
            new(ChatRole.User, Question),
        ];

        var response = await Client(sharesTerms: true).GetResponseAsync(messages, LookupOffered);

        Assert.Equal(ChatFinishReason.ToolCalls, response.FinishReason);
    }

    [Fact]
    public async Task GetResponseAsync_SystemAndHistory_CountsOnlyUserAndAssistantMessagesBeforeQuestion()
    {
        ChatMessage[] messages =
        [
            new(ChatRole.System, "You are helpful."),
            new(ChatRole.User, "first"),
            new(ChatRole.Assistant, "first answer"),
            new(ChatRole.User, "second"),
            new(ChatRole.Assistant, "second answer"),
            new(ChatRole.User, Question),
        ];

        var response = await Client().GetResponseAsync(messages);

        Assert.StartsWith(
            "Offline model (not an LLM). I received 4 history message(s) and 0 tool result(s).",
            response.Text,
            StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetResponseAsync_SeveralToolResults_QuotesHighestScoringPassage()
    {
        ChatMessage[] messages =
        [
            new(ChatRole.User, Question),
            .. ToolRound(Passage("a.md", "A", "Weaker passage.", 1.5)),
            .. ToolRound(
                Passage("b.md", "B", "Runner-up passage.", 2.0),
                Passage("c.md", "Protocol › Server frames", "Tokens stream as frames.", 3.25)),
        ];

        var response = await Client().GetResponseAsync(messages);

        Assert.Equal(
            "Offline model (not an LLM). I received 0 history message(s) and 2 tool result(s)."
                + " The best passage I was given is from c.md (Protocol › Server frames): \"Tokens stream as frames.\""
                + $" You asked: \"{Question}\"",
            response.Text);
    }

    [Fact]
    public async Task GetResponseAsync_LongPassage_QuotesFirstSixtyWords()
    {
        var passageText = string.Join(' ', Enumerable.Range(1, 100).Select(index => $"w{index}"));
        ChatMessage[] messages = [new(ChatRole.User, Question), .. ToolRound(Passage("a.md", "A", passageText, 1.0))];

        var response = await Client().GetResponseAsync(messages);

        Assert.Contains("\"w1 w2 ", response.Text, StringComparison.Ordinal);
        Assert.Contains(" w60…\"", response.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("w61", response.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetResponseAsync_LongQuestion_QuotesFirstFortyWords()
    {
        var question = string.Join(' ', Enumerable.Range(1, 50).Select(index => $"q{index}"));

        var response = await Client().GetResponseAsync([new(ChatRole.User, question)]);

        Assert.EndsWith(" q40…\"", response.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("q41", response.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetResponseAsync_ToolResultWithoutPassages_SaysKnowledgeBaseHadNothing()
    {
        ChatMessage[] messages = [new(ChatRole.User, Question), .. ToolRound()];

        var response = await Client().GetResponseAsync(messages);

        Assert.Contains("1 tool result(s). The knowledge base had nothing on that. You asked:", response.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetResponseAsync_ToolResultInAUserMessageAsConverseSendsIt_AnswersTheQuestionBeforeIt()
    {
        ChatMessage[] messages =
        [
            new(ChatRole.User, Question),
            new(ChatRole.Assistant, [new FunctionCallContent(OfflineChatClient.ToolCallId, KnowledgeLookupTool.Name)]),
            new(ChatRole.User, [new FunctionResultContent(OfflineChatClient.ToolCallId, """{"passages": []}""")]),
        ];

        var response = await Client().GetResponseAsync(messages);

        Assert.StartsWith(
            "Offline model (not an LLM). I received 0 history message(s) and 1 tool result(s). The knowledge base had nothing on that. "
            + "You asked:",
            response.Text,
            StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{not json")]
    [InlineData("[1, 2, 3]")]
    [InlineData("""{"passages": "none"}""")]
    [InlineData("""{"passages": [{"source": "a.md", "score": 2}]}""")]
    public async Task GetResponseAsync_MalformedToolResult_CountedAsResultWithoutPassages(string result)
    {
        ChatMessage[] messages =
        [
            new(ChatRole.User, Question),
            new(ChatRole.Assistant, [new FunctionCallContent(OfflineChatClient.ToolCallId, KnowledgeLookupTool.Name)]),
            new(ChatRole.Tool, [new FunctionResultContent(OfflineChatClient.ToolCallId, result)]),
        ];

        var response = await Client().GetResponseAsync(messages);

        Assert.Contains("1 tool result(s). The knowledge base had nothing on that.", response.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetResponseAsync_NoUserMessage_AnswersThatThereIsNothingToAnswer()
    {
        var response = await Client(sharesTerms: true).GetResponseAsync([new(ChatRole.System, "You are helpful.")], LookupOffered);

        AssertIsAnswer(response);
        Assert.Equal(
            "Offline model (not an LLM). I received 0 history message(s) and 0 tool result(s), but no user message with text, so there is "
            + "nothing to answer.",
            response.Text);
    }

    [Fact]
    public async Task GetResponseAsync_Answer_ReportsWordsAsUsage()
    {
        ChatMessage[] messages = [new(ChatRole.System, "Be brief."), new(ChatRole.User, "one two three")];

        var response = await Client().GetResponseAsync(messages);

        Assert.Equal(5, response.Usage?.InputTokenCount);
        Assert.Equal(response.Text.Split(' ').Length, response.Usage?.OutputTokenCount);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_Answer_StreamsOneWordPerUpdateThenUsage()
    {
        ChatMessage[] messages = [new(ChatRole.User, Question)];
        var client = Client();
        var expected = (await client.GetResponseAsync(messages)).Text;

        var updates = await client.GetStreamingResponseAsync(messages).ToListAsync();

        var words = updates[..^1];
        Assert.Equal(expected, string.Concat(words.Select(update => update.Text)));
        Assert.All(words, update =>
        {
            Assert.Single(update.Text.Split(' ', StringSplitOptions.RemoveEmptyEntries));
            Assert.Equal(ChatRole.Assistant, update.Role);
            Assert.Equal("offline", update.ModelId);
        });
        var final = updates[^1];
        var usage = Assert.IsType<UsageContent>(Assert.Single(final.Contents));
        Assert.Equal(ChatFinishReason.Stop, final.FinishReason);
        Assert.Equal(Question.Split(' ').Length, usage.Details.InputTokenCount);
        Assert.Equal(words.Count, usage.Details.OutputTokenCount);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_Delays_FirstTokenDelayThenTokenDelayBetweenWords()
    {
        var time = new DelayRecordingTimeProvider(autoAdvance: true);
        var options = new OfflineModelOptions { FirstTokenDelay = TimeSpan.FromMilliseconds(300), TokenDelay = TimeSpan.FromMilliseconds(
            15) };
        var client = new OfflineChatClient(options, _ => false, time);

        var updates = await client.GetStreamingResponseAsync([new(ChatRole.User, Question)]).ToListAsync();

        var wordCount = updates.Count - 1;
        Assert.Equal(
            [TimeSpan.FromMilliseconds(300), .. Enumerable.Repeat(TimeSpan.FromMilliseconds(15), wordCount - 1)],
            time.RequestedDelays);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_ZeroDelays_RequestsNoTimer()
    {
        var time = new DelayRecordingTimeProvider(autoAdvance: true);
        var client = new OfflineChatClient(NoDelays, _ => false, time);

        await client.GetStreamingResponseAsync([new(ChatRole.User, Question)]).ToListAsync();

        Assert.Empty(time.RequestedDelays);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_CancelledMidAnswer_StopsBeforeNextWord()
    {
        using var cancellation = new CancellationTokenSource();
        var received = new List<ChatResponseUpdate>();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var update in Client().GetStreamingResponseAsync(
                [new(ChatRole.User, Question)], cancellationToken: cancellation.Token))
            {
                received.Add(update);
                if (received.Count == 3)
                {
                    await cancellation.CancelAsync();
                }
            }
        });

        Assert.Equal(3, received.Count);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_CancelledDuringFirstTokenDelay_Throws()
    {
        var time = new DelayRecordingTimeProvider();
        using var cancellation = new CancellationTokenSource();
        var client = new OfflineChatClient(new OfflineModelOptions(), _ => false, time);
        await using var updates = client.GetStreamingResponseAsync([new(ChatRole.User, Question)], cancellationToken: cancellation.Token)
            .GetAsyncEnumerator();

        var firstWord = updates.MoveNextAsync().AsTask();
        Assert.False(firstWord.IsCompleted);
        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => firstWord);
        Assert.Equal([new OfflineModelOptions().FirstTokenDelay], time.RequestedDelays);
    }

    [Fact]
    public void GetService_ChatClientMetadata_ReturnsOfflineModel()
    {
        var metadata = Client().GetService<ChatClientMetadata>();

        Assert.Equal(("offline", "offline"), (metadata?.ProviderName, metadata?.DefaultModelId));
    }

    [Fact]
    public void Constructor_NegativeDelay_Throws()
    {
        var options = new OfflineModelOptions { TokenDelay = TimeSpan.FromMilliseconds(-1) };

        Assert.Throws<ArgumentOutOfRangeException>(() => new OfflineChatClient(options, _ => true, TimeProvider.System));
    }

    private static OfflineChatClient Client(bool sharesTerms = false) =>
        new(NoDelays, _ => sharesTerms, new DelayRecordingTimeProvider(autoAdvance: true));

    private static void AssertIsAnswer(ChatResponse response)
    {
        var message = Assert.Single(response.Messages);
        Assert.Equal(ChatRole.Assistant, message.Role);
        Assert.Empty(message.Contents.OfType<FunctionCallContent>());
        Assert.StartsWith("Offline model (not an LLM).", message.Text, StringComparison.Ordinal);
        Assert.Equal(ChatFinishReason.Stop, response.FinishReason);
        Assert.NotNull(response.Usage);
    }

    private static JsonObject Passage(string source, string title, string text, double score) =>
        new() { ["source"] = source, ["title"] = title, ["text"] = text, ["score"] = score };

    /// <summary>The two messages a planner adds for one lookup: the model's call and the tool's result.</summary>
    private static ChatMessage[] ToolRound(params JsonObject[] passages)
    {
        var result = new JsonObject { ["passages"] = new JsonArray([.. passages]) }.ToJsonString();
        var arguments = new Dictionary<string, object?> { [KnowledgeLookupTool.QueryArgument] = Question };
        return
        [
            new(ChatRole.Assistant, [new FunctionCallContent(OfflineChatClient.ToolCallId, KnowledgeLookupTool.Name, arguments)]),
            new(ChatRole.Tool, [new FunctionResultContent(OfflineChatClient.ToolCallId, result)]),
        ];
    }
}
