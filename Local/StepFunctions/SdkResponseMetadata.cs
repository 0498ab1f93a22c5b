using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace Conduit.Local.StepFunctions;

/// <summary>
/// The <c>SdkHttpMetadata</c> and <c>SdkResponseMetadata</c> that Step Functions' optimized integrations add to a
/// service's response, as the AWS SDK for Java it calls them with reports them.
/// </summary>
internal static class SdkResponseMetadata
{
    /// <summary>Adds both to <paramref name="output"/>, for a 200 response whose body was <paramref name="body"/>.</summary>
    public static JsonObject AddTo(
        JsonObject output, JsonNode? body, string contentType, TimeProvider time, params (string Name, string Value)[] headers)
    {
        var requestId = Guid.NewGuid().ToString();
        var all = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["Connection"] = "keep-alive",
            ["Content-Length"] = Encoding.UTF8.GetByteCount(AslJson.Serialize(body)).ToString(CultureInfo.InvariantCulture),
            ["Content-Type"] = contentType,
            ["Date"] = time.GetUtcNow().ToString("r", CultureInfo.InvariantCulture),
            ["x-amzn-RequestId"] = requestId,
        };
        foreach (var (name, value) in headers) all[name] = value;

        var allHeaders = new JsonObject();
        var singleHeaders = new JsonObject();
        foreach (var (name, value) in all)
        {
            allHeaders[name] = new JsonArray(value);
            singleHeaders[name] = value;
        }

        output["SdkHttpMetadata"] = new JsonObject
        {
            ["AllHttpHeaders"] = allHeaders,
            ["HttpHeaders"] = singleHeaders,
            ["HttpStatusCode"] = 200,
        };
        output["SdkResponseMetadata"] = new JsonObject { ["RequestId"] = requestId };
        return output;
    }
}
