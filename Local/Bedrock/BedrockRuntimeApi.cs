using System.Text.Json.Nodes;
using Conduit.Core.Chat;
using Conduit.Local.Edge;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.AI;

namespace Conduit.Local.Bedrock;

/// <summary>
/// Bedrock Runtime's Converse and ConverseStream (REST-JSON, signing name <c>bedrock</c>) over the host's model:
/// whatever model id the path names, the host's <see cref="IChatClient"/> answers, so Bedrock clients run here unchanged.
/// </summary>
public sealed class BedrockRuntimeApi(IChatClient model, TimeProvider time) : IAwsRestService
{
    public const string SigningNameBedrock = "bedrock";

    public string SigningName => SigningNameBedrock;

    public IReadOnlyList<AwsRestRoute> Routes =>
    [
        new("POST", "/model/{modelId}/converse", ConverseAsync),
        new("POST", "/model/{modelId}/converse-stream", ConverseStreamAsync),
    ];

    private async Task ConverseAsync(AwsRestRequest request)
    {
        var (messages, options) = ConverseRequestReader.Read(request.Body);
        var started = time.GetTimestamp();
        ChatResponse response;
        try
        {
            response = await model.GetResponseAsync(messages, options, request.Aborted).ConfigureAwait(false);
        }
        catch (ModelThrottledException exception)
        {
            throw AwsRestException.Throttling(exception.Message);
        }
        var answer = ConverseAnswer.Converse(response, (long)time.GetElapsedTime(started).TotalMilliseconds);
        var http = request.Context.Response;
        http.StatusCode = StatusCodes.Status200OK;
        http.ContentType = "application/json";
        await http.WriteAsync(answer.ToJsonString(), request.Aborted).ConfigureAwait(false);
    }

    /// <summary>A request Bedrock would refuse is refused before the stream opens; after that, failures are stream events.</summary>
    private async Task ConverseStreamAsync(AwsRestRequest request)
    {
        var (messages, options) = ConverseRequestReader.Read(request.Body);
        var started = time.GetTimestamp();
        var http = request.Context.Response;
        http.StatusCode = StatusCodes.Status200OK;
        http.ContentType = EventStreamEncoder.ContentType;
        var writer = new ConverseStreamWriter(http.Body, request.Aborted);
        await writer.StartAsync().ConfigureAwait(false);
        try
        {
            await foreach (var update in model.GetStreamingResponseAsync(messages, options, request.Aborted).ConfigureAwait(false))
                await writer.WriteAsync(update).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !request.Aborted.IsCancellationRequested)
        {
            await writer.FailAsync(exception).ConfigureAwait(false);
            return;
        }
        await writer.FinishAsync((long)time.GetElapsedTime(started).TotalMilliseconds).ConfigureAwait(false);
    }
}
