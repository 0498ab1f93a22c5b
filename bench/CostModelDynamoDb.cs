using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Amazon.DynamoDBv2;
using Amazon.Runtime;
using Conduit.Aws.DynamoDb;

namespace Conduit.Bench;

/// <summary>
/// One DynamoDB request as sent: its operation and table, the capacity DynamoDB (here dynalite) reported for it, and the
/// index writes it caused, which dynalite does not report and the meter estimates.
/// </summary>
public sealed record DynamoDbCall(
    string Operation, string Table, bool IsRead, bool StronglyConsistent, double ReportedUnits, bool ConditionFailed, bool Failed,
    int IndexWrites)
{
    /// <summary>
    /// Read request units: dynalite's reported units, which round each request's bytes up to 4 KB and halve eventually
    /// consistent reads (the index queries) as on-demand billing does, but at least one unit per request (half when
    /// eventually consistent): dynalite reports none for a Query that finds nothing, where DynamoDB bills the minimum.
    /// </summary>
    public double ReadUnits => IsRead && !Failed ? Math.Max(ReportedUnits, StronglyConsistent ? 1 : 0.5) : 0;

    /// <summary>A read dynalite reported no units for, billed here at the minimum.</summary>
    public bool ReadNothing => IsRead && !Failed && ReportedUnits == 0;

    /// <summary>
    /// Write request units: the table write (1 KB units of the larger of the old and new item), plus one per index entry
    /// written; a write whose condition failed is still billed, at least one unit, and writes no index.
    /// </summary>
    public double WriteUnits => IsRead ? 0 : ConditionFailed ? 1 : Failed ? 0 : ReportedUnits + IndexWrites;
}

/// <summary>
/// Counts every request the stores' DynamoDB client sends, through the SDK's <see cref="HttpClientFactory"/> hook: each
/// data request gets <c>"ReturnConsumedCapacity":"TOTAL"</c> added, and the <c>ConsumedCapacity</c> of its answer is read.
/// The body is changed after signing, which dynalite does not check; this is a measuring client, never one for AWS.
/// </summary>
public sealed partial class DynamoDbMeter(DynamoTableNames tables)
{
    private static readonly HashSet<string> Reads = new(StringComparer.Ordinal)
    {
        "GetItem", "Query", "Scan", "BatchGetItem", "TransactGetItems",
    };

    private static readonly HashSet<string> Writes = new(StringComparer.Ordinal)
    {
        "PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem", "TransactWriteItems",
    };

    private readonly ConcurrentQueue<DynamoDbCall> _calls = new();
    private readonly ConcurrentDictionary<string, bool> _writtenKeys = new(StringComparer.Ordinal);

    public IReadOnlyList<DynamoDbCall> Calls => [.. _calls];

    public void Reset() => _calls.Clear();

    public AmazonDynamoDBClient OpenClient(Uri endpoint) => new(
        new BasicAWSCredentials("local", "local"),
        new AmazonDynamoDBConfig
        {
            ServiceURL = endpoint.AbsoluteUri, AuthenticationRegion = "us-east-1", HttpClientFactory = new MeteringHttpClientFactory(this),
        });

    private async Task<HttpResponseMessage> SendAsync(
        HttpRequestMessage request,
        Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>> send,
        CancellationToken cancellationToken)
    {
        var operation = request.Headers.TryGetValues("X-Amz-Target", out var targets) ? targets.First().Split('.')[^1] : "";
        var isRead = Reads.Contains(operation);
        if (request.Content is null || (!isRead && !Writes.Contains(operation))) return await send(request, cancellationToken);

        var body = JsonNode.Parse(await request.Content.ReadAsByteArrayAsync(cancellationToken))!.AsObject();
        body["ReturnConsumedCapacity"] = "TOTAL";
        request.Content = WithSameHeaders(request.Content, System.Text.Encoding.UTF8.GetBytes(body.ToJsonString()));

        var response = await send(request, cancellationToken);
        var answer = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        response.Content = WithSameHeaders(response.Content, answer);

        var table = body["TableName"]?.GetValue<string>() ?? "";
        var consistent = body["ConsistentRead"]?.GetValue<bool>() == true;
        if (response.IsSuccessStatusCode)
        {
            _calls.Enqueue(new DynamoDbCall(
                operation, table, isRead, consistent, ReportedUnits(JsonNode.Parse(answer)), ConditionFailed: false, Failed: false,
                isRead ? 0 : IndexWrites(operation, table, body)));
        }
        else
        {
            var conditionFailed = JsonNode.Parse(answer)?["__type"]?.GetValue<string>()
                .EndsWith("ConditionalCheckFailedException", StringComparison.Ordinal) == true;
            _calls.Enqueue(new DynamoDbCall(operation, table, isRead, consistent, 0, conditionFailed, Failed: true, 0));
        }
        return response;
    }

    private static double ReportedUnits(JsonNode? answer) => answer?["ConsumedCapacity"] switch
    {
        JsonObject single => single["CapacityUnits"]?.GetValue<double>() ?? 0,
        JsonArray perTable => perTable.Sum(entry => entry?["CapacityUnits"]?.GetValue<double>() ?? 0),
        _ => 0,
    };

    /// <summary>
    /// The index entries a successful write puts, updates or deletes, one unit each (every index item here is far below
    /// 1 KB). An entry exists when the item has the index's key attributes; an update changes it only when it touches an
    /// attribute the index holds, unless the update creates the item. Items are known as created when this client wrote
    /// them before in the run.
    /// </summary>
    private int IndexWrites(string operation, string table, JsonObject body)
    {
        if (ConduitTables.All.FirstOrDefault(definition => tables.For(definition) == table) is not { GlobalIndexes.Count: > 0 } definition)
            return 0;
        var item = body["Item"] as JsonObject;
        var key = body["Key"] as JsonObject ?? item;
        if (key is null) return 0;
        var identity = table + "|" + string.Join("|", definition.KeyAttributes.Select(attribute => key[attribute.Name]?.ToJsonString()));
        var existed = _writtenKeys.ContainsKey(identity);
        if (operation == "DeleteItem")
        {
            _writtenKeys.TryRemove(identity, out _);
            return definition.GlobalIndexes.Count;
        }
        _writtenKeys[identity] = true;

        if (operation == "PutItem")
            return definition.GlobalIndexes.Count(index => index.KeyAttributes.All(attribute => item!.ContainsKey(attribute.Name)));

        var touched = TouchedAttributes(body);
        var present = touched.Concat(definition.KeyAttributes.Select(attribute => attribute.Name)).ToHashSet(StringComparer.Ordinal);
        return definition.GlobalIndexes.Count(index =>
            existed
                ? index.KeyAttributes.Select(attribute => attribute.Name).Concat(index.NonKeyAttributes).Any(touched.Contains)
                : index.KeyAttributes.All(attribute => present.Contains(attribute.Name)));
    }

    private static HashSet<string> TouchedAttributes(JsonObject body)
    {
        var names = body["ExpressionAttributeNames"] as JsonObject;
        var expression = body["UpdateExpression"]?.GetValue<string>() ?? "";
        return AttributeReference().Matches(expression)
            .Select(match => match.Value.StartsWith('#') ? names?[match.Value]?.GetValue<string>() ?? match.Value : match.Value)
            .ToHashSet(StringComparer.Ordinal);
    }

    private static ByteArrayContent WithSameHeaders(HttpContent original, byte[] bytes)
    {
        var content = new ByteArrayContent(bytes);
        foreach (var header in original.Headers.Where(header => header.Key != "Content-Length"))
            content.Headers.TryAddWithoutValidation(header.Key, header.Value);
        content.Headers.ContentLength = bytes.Length;
        return content;
    }

    /// <summary>A #placeholder, or a bare attribute name (not a :value); keywords such as SET never match an attribute.</summary>
    [GeneratedRegex(@"#\w+|(?<![:#\w])[A-Za-z_]\w*")]
    private static partial Regex AttributeReference();

    private sealed class MeteringHttpClientFactory(DynamoDbMeter meter) : HttpClientFactory
    {
        private readonly HttpClient _client = new(new MeteringHandler(meter));

        public override HttpClient CreateHttpClient(IClientConfig clientConfig) => _client;

        public override bool UseSDKHttpClientCaching(IClientConfig clientConfig) => false;

        public override bool DisposeHttpClientsAfterUse(IClientConfig clientConfig) => false;
    }

    private sealed class MeteringHandler(DynamoDbMeter meter) : DelegatingHandler(new SocketsHttpHandler())
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            meter.SendAsync(request, base.SendAsync, cancellationToken);
    }
}
