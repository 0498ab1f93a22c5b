using System.Text.Json;
using System.Text.Json.Nodes;
using BenchmarkDotNet.Attributes;
using Conduit.Core.Chat;
using Conduit.Core.Contracts;
using Conduit.Core.Protocol;
using Conduit.Core.Serialization;
using Conduit.Local.Hosting;
using Conduit.Local.Knowledge;
using Conduit.Local.Lambda;
using Conduit.Local.StepFunctions;

namespace Conduit.Bench.Micro;

/// <summary>
/// The path work the local interpreter does around each state of StateMachines/chat-turn.asl.json, with the paths
/// and templates parsed from that file, against the state a turn carries into Stream after one knowledge-base round.
/// </summary>
// Not sealed: BenchmarkDotNet runs a benchmark through a class it derives from it.
[MemoryDiagnoser]
public class AslPathBenchmarks
{
    private readonly TaskState _stream;
    private readonly Catcher _streamCatcher;
    private readonly ChoiceState _needsKnowledge;
    private readonly PathScope _scope;
    private readonly JsonNode _invokeResult;
    private readonly JsonObject _taskError = new StatesErrorException("ModelThrottledException", "Too many requests, please wait before "
        + "trying again.").ToErrorOutput();

    public AslPathBenchmarks()
    {
        var machine = StateMachine.Load(
            File.ReadAllText(BenchPaths.ChatTurnDefinition),
            LocalFunctions.Substitutions,
            new HashSet<string>(StringComparer.Ordinal) { LambdaInvokeTaskInvoker.Resource });
        _stream = (TaskState)machine.States["Stream"];
        _streamCatcher = _stream.Catchers[0];
        _needsKnowledge = (ChoiceState)machine.States["NeedsKnowledge"];

        var state = StreamInput();
        var data = JsonSerializer.SerializeToNode(state, CoreJsonContext.Wire.ChatTurnState);
        var output = JsonSerializer.SerializeToNode(
            state with { Outcome = new TurnOutcome(StopReasons.EndTurn, "offline", 13) }, CoreJsonContext.Wire.ChatTurnState);
        var startedAt = DateTimeOffset.UtcNow;
        var execution = new ExecutionInfo(
            $"arn:aws:states:{LocalFunctions.Region}:{LocalFunctions.AccountId}:execution:conduit-chat-turn:{state.Turn.RequestId}",
            state.Turn.RequestId, startedAt, data?.DeepClone(), "arn:aws:iam::000000000000:role/conduit-workflow",
            $"arn:aws:states:{LocalFunctions.Region}:{LocalFunctions.AccountId}:stateMachine:conduit-chat-turn", "conduit-chat-turn",
            LocalFunctions.Region, RedriveCount: 0, RedriveTime: null);
        var context = new ContextObject(execution);
        context.EnterState(_stream.Name, startedAt);
        _scope = new PathScope(data, context.Json);
        _invokeResult = new JsonObject { ["ExecutedVersion"] = "$LATEST", ["Payload"] = output, ["StatusCode"] = 200 };
    }

    /// <summary>Before the Lambda call: InputPath, then Parameters, which hand the function the whole state.</summary>
    [Benchmark]
    public JsonNode? TaskParameters()
    {
        var effective = _scope with { Data = _stream.InputPath!.Resolve(_scope, "InputPath") };
        return _stream.Parameters!.Evaluate(effective);
    }

    /// <summary>After the Lambda call: ResultPath places the invoke result in the input, OutputPath keeps its Payload.</summary>
    [Benchmark]
    public JsonNode? TaskOutput() =>
        _stream.OutputPath!.Resolve(_scope with { Data = _stream.ResultPath!.Place(_scope.Data, _invokeResult) }, "OutputPath");

    /// <summary>A failed task: the Catch's ResultPath ($.error) adds the error to the state for NotifyFailure.</summary>
    [Benchmark]
    public JsonNode? CatchResultPath() => _streamCatcher.ResultPath!.Place(_scope.Data, _taskError);

    /// <summary>NeedsKnowledge: InputPath, the first matching branch's rules, OutputPath.</summary>
    [Benchmark]
    public (string? Next, JsonNode? Output) ChoiceNeedsKnowledge()
    {
        var effective = _scope with { Data = _needsKnowledge.InputPath!.Resolve(_scope, "InputPath") };
        var next = _needsKnowledge.Choices.FirstOrDefault(branch => branch.Rule.Matches(effective))?.Next ?? _needsKnowledge.Default;
        return (next, _needsKnowledge.OutputPath!.Resolve(effective, "OutputPath"));
    }

    private static ChatTurnState StreamInput()
    {
        var turn = new TurnReference("user-5d1c09", "req-7f3a9c41", "sess-42b1e0d7", "L0SM9cOFvHcCIhw=");
        var query = "how does resume replay missed frames";
        var settings = new ConduitSettings();
        var passages = MarkdownKnowledgeBase.Load(BenchPaths.KnowledgeBaseFolder)
            .SearchAsync(query, settings.RetrievalResults, CancellationToken.None).GetAwaiter().GetResult()
            .Select(passage => new PassageRecord(passage.Source, passage.Title, passage.Text, passage.Score))
            .ToList();
        var call = new ToolCall("call-1", KnowledgeLookupTool.Name, query);
        return new ChatTurnState
        {
            Turn = turn,
            AcceptedAt = DateTimeOffset.UtcNow,
            Prompt = new PromptWindow(FirstIndex: 0, LastIndex: 11, MessageCount: 12, DroppedCount: 0),
            Plan = new PlanDecision(PlanActions.Answer, Round: 2, ToolCalls: []),
            Rounds = [new ToolRound([call], [new ToolResult(call.CallId, passages)])],
            Usage = new TokenUsage(InputTokens: 1_830, OutputTokens: 95),
        };
    }
}
