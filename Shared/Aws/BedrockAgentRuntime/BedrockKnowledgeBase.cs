using System.Buffers;
using System.Net.Http.Headers;
using System.Text.Json;
using Conduit.Core.Ports;

namespace Conduit.Aws.BedrockAgentRuntime;

/// <summary>
/// The knowledge-base port on a Bedrock Knowledge Base (Agent Runtime <c>Retrieve</c>). The host is
/// <c>bedrock-agent-runtime.{region}.amazonaws.com</c>, but requests are signed for service <c>bedrock</c>.
/// </summary>
public sealed class BedrockKnowledgeBase : IKnowledgeBase
{
    public const string SigningName = "bedrock";
    public const string EndpointPrefix = "bedrock-agent-runtime";

    private const int MaxResultsPerCall = 100;

    /// <summary>Where a result's source lives, per location member: the first one present names the source.</summary>
    private static readonly (string Location, string Field)[] SourceFields =
    [
        ("s3Location", "uri"),
        ("webLocation", "url"),
        ("confluenceLocation", "url"),
        ("salesforceLocation", "url"),
        ("sharePointLocation", "url"),
        ("kendraDocumentLocation", "uri"),
        ("customDocumentLocation", "id"),
    ];

    private static readonly string[] TitleKeys = ["x-amz-bedrock-kb-title", "title"];

    private readonly AwsHttp _http;
    private readonly Uri _retrieveUri;

    public BedrockKnowledgeBase(AwsClientSettings settings, string knowledgeBaseId)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentException.ThrowIfNullOrWhiteSpace(knowledgeBaseId);
        _http = new AwsHttp(SigningName, settings);
        var endpoint = settings.EndpointFor(EndpointPrefix).AbsoluteUri.TrimEnd('/');
        _retrieveUri = new Uri($"{endpoint}/knowledgebases/{Uri.EscapeDataString(knowledgeBaseId)}/retrieve");
    }

    public async Task<IReadOnlyList<Passage>> SearchAsync(string query, int maxResults, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxResults, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxResults, MaxResultsPerCall);

        var body = RetrieveBody(query, maxResults);
        using var response = await _http.SendSuccessfulAsync(() =>
        {
            var content = new ByteArrayContent(body);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            return new HttpRequestMessage(HttpMethod.Post, _retrieveUri) { Content = content };
        }, HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
        var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            using var document = await JsonDocument.ParseAsync(stream, cancellationToken: cancellationToken).ConfigureAwait(false);

            if (!document.RootElement.TryGetProperty("retrievalResults", out var results) || results.ValueKind != JsonValueKind.Array)
                return [];
            return [.. results.EnumerateArray().Select(ToPassage)];
        }
    }

    private static byte[] RetrieveBody(string query, int maxResults)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteStartObject("retrievalQuery");
            writer.WriteString("text", query);
            writer.WriteEndObject();
            writer.WriteStartObject("retrievalConfiguration");
            writer.WriteStartObject("vectorSearchConfiguration");
            writer.WriteNumber("numberOfResults", maxResults);
            writer.WriteEndObject();
            writer.WriteEndObject();
            writer.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    private static Passage ToPassage(JsonElement result)
    {
        var source = Source(result.TryGetProperty("location", out var location) ? location : default);
        var title = result.TryGetProperty("metadata", out var metadata) ? Title(metadata) : null;
        var text = result.TryGetProperty("content", out var content) ? String(content, "text") : null;
        var score = result.TryGetProperty("score", out var value) && value.ValueKind == JsonValueKind.Number ? value.GetDouble() : 0;
        return new Passage(source, title ?? LastSegment(source), text ?? "", score);
    }

    private static string Source(JsonElement location)
    {
        foreach (var (member, field) in SourceFields)
        {
            if (location.ValueKind == JsonValueKind.Object
                && location.TryGetProperty(member, out var place)
                && String(place, field) is { Length: > 0 } source)
            {
                return source;
            }
        }
        return String(location, "type") ?? "unknown";
    }

    /// <summary>Metadata values are arbitrary JSON; a title that is not a string is used as its JSON text.</summary>
    private static string? Title(JsonElement metadata)
    {
        if (metadata.ValueKind != JsonValueKind.Object) return null;
        foreach (var key in TitleKeys)
        {
            if (!metadata.TryGetProperty(key, out var value)) continue;
            var title = value.ValueKind switch
            {
                JsonValueKind.String => value.GetString(),
                JsonValueKind.Null or JsonValueKind.Undefined => null,
                _ => value.GetRawText(),
            };
            if (!string.IsNullOrWhiteSpace(title)) return title;
        }
        return null;
    }

    private static string LastSegment(string source)
    {
        var path = Uri.TryCreate(source, UriKind.Absolute, out var uri) && !string.IsNullOrEmpty(uri.Host)
            ? Uri.UnescapeDataString(uri.AbsolutePath)
            : source;
        var trimmed = path.TrimEnd('/');
        var segment = trimmed[(trimmed.LastIndexOf('/') + 1)..];
        return segment.Length > 0 ? segment : uri?.Host ?? source;
    }

    private static string? String(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;
}
