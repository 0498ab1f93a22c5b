using System.Globalization;
using System.Text;
using Conduit.Aws.DynamoDb;
using Conduit.Local.Queue;

namespace Conduit.Bench;

/// <summary>Everything the cost scenario observed in its measured window, with the template's function sizes.</summary>
public sealed record CostRun(
    IReadOnlyList<ClientSession> Sessions,
    IReadOnlyList<WorkflowRun> Workflows,
    IReadOnlyList<LambdaInvocation> Invocations,
    IReadOnlyList<DynamoDbCall> DynamoDbCalls,
    long ConnectionPosts,
    long GonePosts,
    IReadOnlyList<int> SqsSentBytes,
    IReadOnlyList<SqsBatchOutcome> SqsBatches,
    IReadOnlyList<ModelCall> ModelCalls,
    IReadOnlyDictionary<string, FunctionSizing> Functions)
{
    public IReadOnlyList<CompletedTurn> Turns { get; } = [.. Sessions.SelectMany(session => session.Turns)];

    /// <summary>The template's WorkflowType default, which decides how Step Functions is billed.</summary>
    public string WorkflowType { get; init; } = "STANDARD";
}

/// <summary>
/// One billed quantity per turn and its price per turn, for Conduit and for the naive design; <see cref="Key"/> names it
/// briefly in the measurements, <see cref="Service"/> fully in the report.
/// </summary>
public sealed record CostLine(
    string Key, string Service, string Unit, double ConduitPerTurn, double ConduitDollarsPerTurn, double NaivePerTurn,
    double NaiveDollarsPerTurn);

public static partial class Scenarios
{
    /// <summary>
    /// Connection minutes depend on how long people keep a chat open, which no benchmark measures; both designs hold the
    /// same connections, so the same guess serves both: about a minute of reading and typing per turn.
    /// </summary>
    private const double AssumedConnectionMinutesPerTurn = 1.0;

    /// <summary>The run's counts per turn, priced; and the naive design worked out from the same turns.</summary>
    private sealed class CostSheet
    {
        private readonly CostRun _run;
        private readonly int _turns;

        public CostSheet(CostRun run)
        {
            _run = run;
            _turns = run.Turns.Count;
            Lines = PriceLines();
        }

        public IReadOnlyList<CostLine> Lines { get; }

        private FunctionSizing StreamSizing => _run.Functions["Stream"];

        private double StreamedOutputTokensPerTurn => AnsweringCalls.Sum(call => call.OutputTokens) / (double)_turns;

        private List<CostLine> PriceLines()
        {
            var messages = _run.Sessions.Sum(
                session => session.MessagesSent + session.FrameBytes.Sum(bytes => Units(bytes, ListPrices.WebSocketMessageUnitBytes)));
            var naiveMessages = 1 + StreamedOutputTokensPerTurn;
            var gbSeconds = _run.Invocations.Sum(invocation => _run.Functions[invocation.Function].GbSeconds(invocation.Duration));
            var gbSecondDollars = _run.Invocations.Sum(invocation =>
                _run.Functions[invocation.Function].GbSeconds(invocation.Duration) * _run.Functions[invocation.Function].PricePerGbSecond);
            var naiveGbSeconds = _run.Turns.Sum(turn => StreamSizing.GbSeconds(turn.Duration));
            var sqsRequests = _run.SqsSentBytes.Sum(bytes => Units(bytes, ListPrices.SqsRequestUnitBytes))
                + _run.SqsBatches.Count
                + _run.SqsBatches.Count(batch => batch.DeletedMessageIds.Count > 0);
            var (naiveReads, naiveWrites) = NaiveDynamoDbUnits();

            return
            [
                Line(
                    "apigw messages", "API Gateway WebSocket messages", "32 KB messages", messages / (double)_turns,
                    ListPrices.WebSocketPerMessage, naiveMessages),
                Line(
                    "apigw minutes", "API Gateway connection minutes (assumed)", "minutes", AssumedConnectionMinutesPerTurn,
                    ListPrices.WebSocketPerConnectionMinute, AssumedConnectionMinutesPerTurn),
                Line(
                    "lambda requests", "Lambda requests", "invocations", _run.Invocations.Count / (double)_turns,
                    ListPrices.LambdaPerRequest, 1),
                new CostLine("lambda GB-s", "Lambda duration (estimate)", "GB-s", gbSeconds / _turns, gbSecondDollars / _turns,
                    naiveGbSeconds / _turns, naiveGbSeconds / _turns * StreamSizing.PricePerGbSecond),
                .. StepFunctionsLines(_run.WorkflowType),
                Line("sqs requests", "SQS requests", "64 KB requests", sqsRequests / (double)_turns, ListPrices.SqsPerRequest, 0),
                Line(
                    "ddb reads", "DynamoDB reads", "RRU", _run.DynamoDbCalls.Sum(call => call.ReadUnits) / _turns,
                    ListPrices.DynamoDbPerReadUnit, naiveReads / _turns),
                Line(
                    "ddb writes", "DynamoDB writes", "WRU", _run.DynamoDbCalls.Sum(call => call.WriteUnits) / _turns,
                    ListPrices.DynamoDbPerWriteUnit, naiveWrites / _turns),
            ];
        }

        /// <summary>
        /// Standard bills each state transition (every state entered, and the start). Express bills each execution and its
        /// duration (in 100 ms steps, at 64 MB, the smallest memory step, which a state this small stays within), and its
        /// console trace comes from CloudWatch Logs: every history event with its data.
        /// </summary>
        private List<CostLine> StepFunctionsLines(string type)
        {
            if (type != "EXPRESS")
            {
                var transitions = _run.Workflows.Sum(workflow => workflow.Entered.Count + 1);
                return
                [
                    Line(
                        "sfn transitions", "Step Functions Standard state transitions", "transitions", transitions / (double)_turns,
                        ListPrices.StepFunctionsPerTransition, 0),
                ];
            }
            var gbSeconds = _run.Workflows.Sum(workflow =>
                Math.Ceiling(workflow.Duration.TotalMilliseconds / ListPrices.StepFunctionsExpressDurationUnitMs)
                * ListPrices.StepFunctionsExpressDurationUnitMs / 1000 * ListPrices.StepFunctionsExpressMemoryUnitMb / 1024);
            var logKb = _run.Workflows.Sum(workflow => workflow.HistoryBytes) / 1024.0;
            return
            [
                Line(
                    "sfn requests", "Step Functions Express requests", "executions", _run.Workflows.Count / (double)_turns,
                    ListPrices.StepFunctionsExpressPerRequest, 0),
                Line(
                    "sfn GB-s", "Step Functions Express duration (64 MB)", "GB-s", gbSeconds / _turns,
                    ListPrices.StepFunctionsExpressPerGbSecond, 0),
                Line(
                    "sfn logs", "CloudWatch Logs, Express execution data", "KB", logKb / _turns,
                    ListPrices.CloudWatchLogsPerGbIngested / (1024 * 1024), 0),
            ];
        }

        /// <summary>The model calls that answered: what a design with no planning pays as a minimum.</summary>
        private IEnumerable<ModelCall> AnsweringCalls => _run.ModelCalls.Where(call => !call.AskedForTool);

        private static CostLine Line(string key, string service, string unit, double conduit, double price, double naive) =>
            new(key, service, unit, conduit, conduit * price, naive, naive * price);

        private static int Units(long bytes, int unitBytes) => (int)Math.Max(1, (bytes + unitBytes - 1) / unitBytes);

        /// <summary>
        /// The naive design keeps one item per turn (question and answer) and reads the session's earlier turns back with
        /// one strongly consistent Query before answering: reads round the bytes read up to 4 KB (at least one unit),
        /// writes the item up to 1 KB.
        /// </summary>
        private (double Reads, double Writes) NaiveDynamoDbUnits()
        {
            double reads = 0, writes = 0;
            foreach (var session in _run.Sessions)
            {
                long earlier = 0;
                foreach (var turn in session.Turns)
                {
                    reads += Units(earlier, 4096);
                    var size = NaiveItemBytes(turn);
                    writes += Units(size, 1024);
                    earlier += size;
                }
            }
            return (reads, writes);
        }

        /// <summary>
        /// DynamoDB's item size: attribute names and values in UTF-8, a number taken at its 8-byte upper size for a timestamp.
        /// </summary>
        private static long NaiveItemBytes(CompletedTurn turn) =>
            Encoding.UTF8.GetByteCount(
                "sessionId"
                    + turn.SessionId + "requestId" + turn.RequestId + "question" + turn.Question + "answer" + turn.Answer + "createdAt")
                + 8;

        public IReadOnlyList<Measurement> Measurements()
        {
            var results = new List<Measurement>();
            foreach (var line in Lines)
            {
                results.Add(new Measurement("cost", $"{line.Key} per turn: Conduit", 0, 0, line.ConduitPerTurn, line.Unit, _turns, ""));
                results.Add(new Measurement("cost", $"{line.Key} per turn: naive", 0, 0, line.NaivePerTurn, line.Unit, _turns, ""));
                results.Add(
                    new Measurement(
                        "cost", $"{line.Key} $ per 1M turns: Conduit", 0, 0, line.ConduitDollarsPerTurn * 1_000_000, "$", _turns, ""));
                results.Add(
                    new Measurement(
                        "cost", $"{line.Key} $ per 1M turns: naive", 0, 0, line.NaiveDollarsPerTurn * 1_000_000, "$", _turns, ""));
            }
            results.Add(
                new Measurement(
                    "cost", "total $ per 1M turns: Conduit", 0, 0, Lines.Sum(line => line.ConduitDollarsPerTurn) * 1_000_000, "$", _turns,
                    ""));
            results.Add(
                new Measurement(
                    "cost", "total $ per 1M turns: naive", 0, 0, Lines.Sum(line => line.NaiveDollarsPerTurn) * 1_000_000, "$", _turns, ""));
            results.Add(
                new Measurement("cost", "@connections POSTs per turn", 0, 0, _run.ConnectionPosts / (double)_turns, "posts", _turns, ""));
            foreach (var group in DynamoDbByOperation())
                results.Add(
                    new Measurement(
                        "cost", $"ddb {group.Operation} {group.Table} per turn", 0, 0, group.Requests / (double)_turns, "requests", _turns,
                        ""));
            foreach (var group in _run.Invocations.GroupBy(LambdaLabel).OrderBy(group => group.Key, StringComparer.Ordinal))
            {
                var durations = Percentiles(
                    "cost", $"lambda {group.Key}: per turn (p50/p99 ms)", group.Select(invocation => invocation.Duration.TotalMilliseconds),
                    "ms", "");
                results.Add(durations with { Value = group.Count() / (double)_turns, Unit = "inv/turn" });
            }
            results.Add(
                new Measurement(
                    "cost", "sfn StateEntered events per turn", 0, 0, _run.Workflows.Sum(w => w.Entered.Count) / (double)_turns, "events",
                    _turns, ""));
            foreach (var (kind, calls) in ModelCallKinds())
            {
                results.Add(
                    new Measurement("cost", $"model {kind} calls per turn", 0, 0, calls.Count / (double)_turns, "calls", _turns, ""));
                results.Add(
                    new Measurement(
                        "cost", $"model {kind} input tokens per turn", 0, 0, calls.Sum(c => c.InputTokens) / (double)_turns, "tokens",
                        calls.Count, ""));
                results.Add(
                    new Measurement(
                        "cost", $"model {kind} output tokens per turn", 0, 0, calls.Sum(c => c.OutputTokens) / (double)_turns, "tokens",
                        calls.Count, ""));
            }
            foreach (var model in new[] { ModelPrice.NovaLite, ModelPrice.NovaPro })
            {
                results.Add(new Measurement(
                    "cost", $"model {model.Name} $ per 1M turns: Conduit", 0, 0, ModelDollars(model, _run.ModelCalls), "$", _turns, ""));
                results.Add(new Measurement(
                    "cost", $"model {model.Name} $ per 1M turns: naive", 0, 0, ModelDollars(model, AnsweringCalls), "$", _turns, ""));
            }
            return results;
        }

        private List<(string Kind, List<ModelCall> Calls)> ModelCallKinds() =>
        [
            ("tool-asking", [.. _run.ModelCalls.Where(call => call.AskedForTool)]),
            ("answering", [.. AnsweringCalls]),
        ];

        /// <summary>A model's list price for the calls, per million turns.</summary>
        private double ModelDollars(ModelPrice model, IEnumerable<ModelCall> calls)
        {
            var list = calls.ToList();
            return model.Dollars(list.Sum(c => c.InputTokens), list.Sum(c => c.OutputTokens)) / _turns * 1_000_000;
        }

        private static string LambdaLabel(LambdaInvocation invocation) => invocation.Route is null
            ? invocation.Function : $"{invocation.Function} {invocation.Route}";

        private IEnumerable<(string Operation, string Table, int Requests, int ConditionFailed, double ReadUnits, double WriteUnits,
            int IndexWrites)> DynamoDbByOperation() =>
            _run.DynamoDbCalls
                .GroupBy(call => (call.Operation, Table: TableSuffix(call.Table)))
                .Select(group => (group.Key.Operation, group.Key.Table, group.Count(), group.Count(call => call.ConditionFailed),
                    group.Sum(call => call.ReadUnits), group.Sum(call => call.WriteUnits), group.Sum(call => call.IndexWrites)))
                .OrderBy(group => group.Table, StringComparer.Ordinal).ThenBy(group => group.Operation, StringComparer.Ordinal);

        private static string TableSuffix(string table) =>
            ConduitTables.All.Select(definition => definition.NameSuffix)
                .Where(suffix => table.EndsWith("-" + suffix, StringComparison.Ordinal))
                .MaxBy(suffix => suffix.Length) ?? table;

        public string Markdown()
        {
            var turnsWithLookup = _run.Workflows.Count(workflow => workflow.Entered.Any(state => state.Name == "Retrieve"));
            var conduitTotal = Lines.Sum(line => line.ConduitDollarsPerTurn) * 1_000_000;
            var naiveTotal = Lines.Sum(line => line.NaiveDollarsPerTurn) * 1_000_000;
            var text = new StringBuilder();
            void Row(params object[] cells) => text.Append("| ").AppendJoin(" | ", cells.Select(Cell)).AppendLine(" |");

            text.AppendLine(CultureInfo.InvariantCulture, $"## Cost per million turns ({DateTimeOffset.UtcNow:yyyy-MM-dd}, {_turns} turns)")
                .AppendLine();
            text.AppendLine(CultureInfo.InvariantCulture, $"""
                `dotnet run -c Release --project bench -- cost` runs the local stack with its stores on DynamoDB (dynalite, from
                `tests/node`) and drives {_run.Sessions.Count} sessions of {_run.Sessions.Max(s => s.Turns.Count)} turns at once over
                real WebSockets, after one unmeasured warm-up session. {turnsWithLookup} of the {_turns} turns ask something the offline
                model looks up with `kb_lookup`; history grows with each turn. Every billed call is counted where the deployed stack
                would make it: each request of the DynamoDB client (made to return its `ConsumedCapacity`), each @connections POST at
                the gateway, each SendMessage and each event-source batch of the queue, each Lambda handler invocation with its
                duration, and each execution's history in the Step Functions interpreter; the clients count the WebSocket messages. The
                counts are divided by the turns and priced at us-east-1 list prices. The naive design is worked out from the same turns:
                one Lambda ({StreamSizing.MemoryMb} MB, like Stream) running for the whole turn as the client measured it (send →
                `done`), one @connections POST per output token, one history write and the read of the session's earlier turns, no SQS
                and no Step Functions.
                """).AppendLine();

            Row("service", "unit", "Conduit per turn", "Conduit $ / 1M turns", "naive per turn", "naive $ / 1M turns");
            Row("---", "---", "---:", "---:", "---:", "---:");
            foreach (var line in Lines)
                Row(
                    line.Service, line.Unit, line.ConduitPerTurn, Dollars(line.ConduitDollarsPerTurn * 1_000_000), line.NaivePerTurn,
                    Dollars(line.NaiveDollarsPerTurn * 1_000_000));
            Row("**total**", "", "", $"**{Dollars(conduitTotal)}**", "", $"**{Dollars(naiveTotal)}**");
            text.AppendLine();

            text.AppendLine(
                "DynamoDB requests per turn (units as dynalite reported them, at least the minimum per read; index writes estimated):")
                .AppendLine();
            Row("table", "operation", "requests", "condition failed", "RRU", "WRU", "of which index writes");
            Row("---", "---", "---:", "---:", "---:", "---:", "---:");
            foreach (var group in DynamoDbByOperation())
            {
                Row(group.Table, group.Operation, group.Requests / (double)_turns, group.ConditionFailed / (double)_turns,
                    group.ReadUnits / _turns, group.WriteUnits / _turns, group.IndexWrites / (double)_turns);
            }
            Row("**all**", "", _run.DynamoDbCalls.Count / (double)_turns, _run.DynamoDbCalls.Count(c => c.ConditionFailed) / (double)_turns,
                _run.DynamoDbCalls.Sum(c => c.ReadUnits) / _turns, _run.DynamoDbCalls.Sum(c => c.WriteUnits) / _turns,
                _run.DynamoDbCalls.Sum(c => c.IndexWrites) / (double)_turns);
            text.AppendLine();

            text.AppendLine("Lambda invocations per turn, with local handler durations:").AppendLine();
            Row("function", "memory", "invocations", "p50", "p99", "GB-s");
            Row("---", "---:", "---:", "---:", "---:", "---:");
            foreach (var group in _run.Invocations.GroupBy(LambdaLabel).OrderBy(group => group.Key, StringComparer.Ordinal))
            {
                var sizing = _run.Functions[group.First().Function];
                var durations = Percentiles("cost", group.Key, group.Select(invocation => invocation.Duration.TotalMilliseconds), "ms", "");
                Row(group.Key, $"{sizing.MemoryMb} MB {sizing.Architecture}", group.Count() / (double)_turns,
                    $"{Cell(durations.P50)} ms", $"{Cell(durations.P99)} ms",
                    group.Sum(invocation => sizing.GbSeconds(invocation.Duration)) / _turns);
            }
            text.AppendLine();

            text.AppendLine(CultureInfo.InvariantCulture,
                $"Other counts per turn: {Cell(_run.ConnectionPosts / (double)_turns)} @connections POSTs " +
                $"({_run.GonePosts} answered 410), " +
                $"{Cell(_run.Workflows.Sum(w => w.Entered.Count) / (double)_turns)} states entered " +
                $"({string.Join(", ", StatesEntered())}), " +
                $"{Cell(_run.SqsSentBytes.Count / (double)_turns)} SendMessage, {_run.SqsBatches.Count} event-source batches for " +
                $"{_run.SqsBatches.Sum(b => b.MessageIds.Count)} messages, " +
                $"{Cell(_run.Sessions.Sum(s => s.Connected.TotalMinutes) / _turns)} connection minutes measured " +
                $"(the benchmark does not pause between turns). " +
                $"{_run.Workflows.Count(w => w.Status == "SUCCEEDED")} of {_run.Workflows.Count} executions succeeded; " +
                $"{_run.DynamoDbCalls.Count(c => c.ReadNothing)} DynamoDB reads found nothing and are billed at the minimum.").AppendLine();

            text.AppendLine(
                "Model tokens per turn (the offline model counts words as tokens; every call streams, with kb_lookup offered "
                + "until the tool rounds are used up):").AppendLine();
            Row("call", "calls", "input tokens", "output tokens");
            Row("---", "---:", "---:", "---:");
            foreach (var (kind, calls) in ModelCallKinds())
            {
                Row(kind == "answering" ? "answering (its text is the answer)" : "asking for kb_lookup (Retrieve follows)",
                    calls.Count / (double)_turns, calls.Sum(c => c.InputTokens) / (double)_turns,
                    calls.Sum(c => c.OutputTokens) / (double)_turns);
            }
            text.AppendLine();

            text.AppendLine(
                "Model tokens at list prices, per million turns, beside the infrastructure above (the naive design pays the "
                + "answering calls only):").AppendLine();
            Row("model", "$ per 1M input / output tokens", "Conduit $ / 1M turns", "naive $ / 1M turns", "Conduit infrastructure + model");
            Row("---", "---:", "---:", "---:", "---:");
            foreach (var model in new[] { ModelPrice.NovaLite, ModelPrice.NovaPro })
            {
                var conduitModel = ModelDollars(model, _run.ModelCalls);
                Row(model.Name, $"{Dollars(model.PerMillionInputTokens)} / {Dollars(model.PerMillionOutputTokens)}",
                    Dollars(conduitModel), Dollars(ModelDollars(model, AnsweringCalls)), Dollars(conduitTotal + conduitModel));
            }
            text.AppendLine();

            var other = _run.WorkflowType == "EXPRESS" ? "STANDARD" : "EXPRESS";
            text.AppendLine(CultureInfo.InvariantCulture,
                $"Step Functions priced as {_run.WorkflowType} (the template's default WorkflowType) above; the same executions "
                + $"as {other}:")
                .AppendLine();
            Row("workflow type", "billed", "per turn", "$ / 1M turns");
            Row("---", "---", "---:", "---:");
            foreach (var type in new[] { "EXPRESS", "STANDARD" })
            {
                foreach (var line in StepFunctionsLines(type))
                    Row(type, $"{line.Service} ({line.Unit})", line.ConduitPerTurn, Dollars(line.ConduitDollarsPerTurn * 1_000_000));
            }
            text.AppendLine();

            text.AppendLine(CultureInfo.InvariantCulture, $"""
                Assumptions:
                - Lambda duration is the local handler's wall time rounded up to 1 ms, at the template's MemorySize and
                  architecture: an estimate. The handlers ran in one process on {Environment.ProcessorCount} cores against dynalite on
                  loopback; the offline model waits 250 ms before the first word (or its kb_lookup call) and 20 ms per word; every
                  @connections POST waits 15 ms. Cold starts are not included.
                - DynamoDB units are what dynalite reported per request: reads round the bytes read up to 4 KB (halved for the
                  eventually consistent index queries), writes round the larger of the old and new item up to 1 KB. dynalite reports
                  nothing for a Query that finds nothing, which is billed here at the minimum (1 unit, half when eventually
                  consistent), and no index writes, so one unit is added for each index entry a write puts, changes or deletes; a
                  write whose condition failed is billed one unit. Nothing here is transactional.
                - Step Functions Standard: one transition per state entered plus one for the start. Express: one request per
                  execution, its duration (the interpreter's, rounded up to 100 ms) at 64 MB, and its log: each history event's
                  details as JSON plus 400 bytes of envelope, at ${ListPrices.CloudWatchLogsPerGbIngested:0.00} per GB ingested.
                - SQS: one request per SendMessage (per 64 KB), and, as Lambda's event source mapping does, one ReceiveMessage per
                  batch received and one DeleteMessageBatch per batch. The mapping's idle long polls are a fixed cost per hour
                  whatever the traffic, not a cost per turn, and are left out.
                - API Gateway: every frame a client sends and every frame it receives (route responses and POSTs) is a message,
                  per 32 KB; $connect and $disconnect are not messages. Connection minutes are the same guess for both designs.
                - The naive design's message count grows with the answer's length (one POST per token); Conduit's with its
                  duration (one POST per 50 ms of streaming, or 2 KB). These answers are short
                  ({Cell(StreamedOutputTokensPerTurn)} output tokens).
                  The naive design keeps no frames, no queue and no session order: it cannot replay a stream to a client that
                  reconnects, and a turn whose Lambda fails is lost. Its $connect and $disconnect are left out.
                - Prices (us-east-1 list, first tier, no free tier): Lambda ${ListPrices.LambdaPerRequest * 1e6:0.00} per million
                  requests and ${ListPrices.LambdaArm64PerGbSecond:0.##########} per GB-s on arm64; Step Functions Standard
                  ${ListPrices.StepFunctionsPerTransition * 1e3:0.000} per 1,000 transitions, Express
                  ${ListPrices.StepFunctionsExpressPerRequest * 1e6:0.00} per million requests and
                  ${ListPrices.StepFunctionsExpressPerGbSecond:0.########} per GB-s; SQS ${ListPrices.SqsPerRequest * 1e6:0.00} per
                  million requests; DynamoDB on-demand ${ListPrices.DynamoDbPerReadUnit * 1e6:0.000} per million RRU and
                  ${ListPrices.DynamoDbPerWriteUnit * 1e6:0.000} per million WRU; API Gateway WebSocket
                  ${ListPrices.WebSocketPerMessage * 1e6:0.00} per million messages and
                  ${ListPrices.WebSocketPerConnectionMinute * 1e6:0.00} per million connection minutes.
                """);
            return text.ToString();
        }

        private IEnumerable<string> StatesEntered() =>
            _run.Workflows.SelectMany(workflow => workflow.Entered)
                .GroupBy(state => state.Name)
                .Select(group => $"{group.Key} {Cell(group.Count() / (double)_turns)}");

        private static string Dollars(double value) => value.ToString("$#,##0.00", CultureInfo.InvariantCulture);

        /// <summary>Whole numbers plainly, others to two decimals, and small fractions (GB-s, tokens) to four.</summary>
        private static string Cell(object value) => value switch
        {
            double number when Math.Abs(number - Math.Round(number)) < 0.00005 => number.ToString("#,##0", CultureInfo.InvariantCulture),
            double number when Math.Abs(number) >= 1 => number.ToString("#,##0.00", CultureInfo.InvariantCulture),
            double number => number.ToString("0.0###", CultureInfo.InvariantCulture),
            _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "",
        };
    }
}
