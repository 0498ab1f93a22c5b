using System.Text.Json.Nodes;
using Conduit.Core.Ports;
using Conduit.Local.Edge;
using Microsoft.AspNetCore.Http;

namespace Conduit.Local.Bedrock;

/// <summary>
/// Bedrock Agent Runtime's Retrieve (REST-JSON, signing name <c>bedrock</c>) over the host's knowledge base, which
/// answers to one id, <see cref="KnowledgeBaseId"/> (or an ARN ending in it); any other id is not found, as it would
/// be on AWS, so a misconfigured client fails loudly rather than searching the wrong documents.
/// </summary>
public sealed class BedrockAgentRuntimeApi(IKnowledgeBase knowledgeBase) : IAwsRestService
{
    /// <summary>Ten characters of [0-9A-Z], the form of a real knowledge base id.</summary>
    public const string KnowledgeBaseId = "CONDUITKB1";

    public const int DefaultNumberOfResults = 5;
    public const int MaxNumberOfResults = 100;
    public const int MaxQueryLength = 20_000;

    public string SigningName => BedrockRuntimeApi.SigningNameBedrock;

    public IReadOnlyList<AwsRestRoute> Routes => [new("POST", "/knowledgebases/{knowledgeBaseId}/retrieve", RetrieveAsync)];

    private async Task RetrieveAsync(AwsRestRequest request)
    {
        var id = request.Label("knowledgeBaseId");
        if (id != KnowledgeBaseId && !id.EndsWith($":knowledge-base/{KnowledgeBaseId}", StringComparison.Ordinal))
            throw AwsRestException.NotFound($"Knowledge base {id} does not exist; the local knowledge base is {KnowledgeBaseId}.");
        var (query, count) = ReadQuery(request.Body);

        var passages = await knowledgeBase.SearchAsync(query, count, request.Aborted).ConfigureAwait(false);
        var results = new JsonArray();
        foreach (var passage in passages)
        {
            results.Add(new JsonObject
            {
                ["content"] = new JsonObject { ["text"] = passage.Text, ["type"] = "TEXT" },
                ["location"] = new JsonObject
                {
                    ["type"] = "CUSTOM",
                    ["customDocumentLocation"] = new JsonObject { ["id"] = passage.Source },
                },
                ["score"] = passage.Score,
                ["metadata"] = new JsonObject
                {
                    ["x-amz-bedrock-kb-source-uri"] = passage.Source,
                    ["x-amz-bedrock-kb-title"] = passage.Title,
                },
            });
        }
        var http = request.Context.Response;
        http.StatusCode = StatusCodes.Status200OK;
        http.ContentType = "application/json";
        await http.WriteAsync(new JsonObject { ["retrievalResults"] = results }.ToJsonString(), request.Aborted).ConfigureAwait(false);
    }

    /// <summary>Every result comes in one page, so there is never a nextToken to send back, and any received was not ours.</summary>
    private static (string Query, int Count) ReadQuery(JsonObject body)
    {
        if (body["retrievalQuery"]?["text"] is not JsonValue textNode || !textNode.TryGetValue<string>(out var text))
            throw AwsRestException.Invalid("retrievalQuery.text", "Member must not be null");
        if (text.Length > MaxQueryLength)
            throw AwsRestException.Invalid("retrievalQuery.text", $"Member must have length less than or equal to {MaxQueryLength}");
        if (body["nextToken"] is not null)
            throw AwsRestException.Validation("The nextToken is not valid: the local knowledge base returns every result in one page.");

        var count = DefaultNumberOfResults;
        if (body["retrievalConfiguration"]?["vectorSearchConfiguration"]?["numberOfResults"] is { } countNode)
        {
            if (countNode is not JsonValue value || !value.TryGetValue(out count) || count is < 1 or > MaxNumberOfResults)
            {
                throw AwsRestException.Invalid("retrievalConfiguration.vectorSearchConfiguration.numberOfResults",
                    $"Member must have value between 1 and {MaxNumberOfResults}");
            }
        }
        return (text, count);
    }

}
