using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Conduit.Aws.Endpoints;
using Microsoft.Extensions.AI;

namespace Conduit.Aws.BedrockRuntime;

/// <summary>
/// The model port on Amazon Bedrock: Converse for whole answers, ConverseStream for streamed ones, signed for
/// service <c>bedrock</c> on host <c>bedrock-runtime.{region}.amazonaws.com</c>. Throttling surfaces as
/// <see cref="Chat.ModelThrottledException"/>, other failures as typed <see cref="AwsServiceException"/>s.
/// </summary>
public sealed class BedrockChatClient : IChatClient
{
    public const string SigningName = "bedrock";

    private readonly AwsHttp _http;
    private readonly Uri _endpoint;
    private readonly string _modelId;
    private readonly BedrockModelOptions _options;
    private readonly ChatClientMetadata _metadata;

    public BedrockChatClient(AwsClientSettings settings, string modelId, BedrockModelOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentException.ThrowIfNullOrWhiteSpace(modelId);
        options ??= new BedrockModelOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxTokens, 1, nameof(options));

        _http = new AwsHttp(SigningName, settings);
        _endpoint = settings.EndpointFor(AwsService.BedrockRuntime);
        _modelId = modelId;
        _options = options;
        _metadata = new ChatClientMetadata("aws.bedrock", _endpoint, modelId);
    }

    public async Task<ChatResponse> GetResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var body = ConverseRequestWriter.Write(messages, options, _options);
        using var response = await SendAsync("converse", body, HttpCompletionOption.ResponseContentRead, cancellationToken)
            .ConfigureAwait(false);
        var content = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (content.ConfigureAwait(false))
        {
            using var document = await JsonDocument.ParseAsync(content, cancellationToken: cancellationToken).ConfigureAwait(false);
            return ConverseResponseReader.Read(document.RootElement, _modelId, RequestId(response));
        }
    }

    /// <summary>
    /// Reads the event stream as it arrives. Cancelling, or leaving the enumeration early, disposes the response
    /// at once, so the rest of the stream is never read.
    /// </summary>
    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages,
        ChatOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var body = ConverseRequestWriter.Write(messages, options, _options);
        using var response = await SendAsync("converse-stream", body, HttpCompletionOption.ResponseHeadersRead, cancellationToken)
            .ConfigureAwait(false);
        var content = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (content.ConfigureAwait(false))
        {
            using var reader = new EventStreamReader(content);
            var translator = new ConverseStreamTranslator(_modelId, RequestId(response));
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false) is { } message)
            {
                if (translator.Read(message) is { } update) yield return update;
            }
            if (!translator.Stopped)
                throw new InvalidDataException($"The ConverseStream response for model {_modelId} ended before messageStop.");
        }
    }

    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        if (serviceKey is not null) return null;
        if (serviceType == typeof(ChatClientMetadata)) return _metadata;
        return serviceType.IsInstanceOfType(this) ? this : null;
    }

    public void Dispose() => _http.Client.Dispose();

    /// <summary>The model id may be an ARN holding ':' and '/', so it is percent-encoded as one path segment.</summary>
    internal Uri OperationUri(string operation) =>
        new($"{_endpoint.AbsoluteUri.TrimEnd('/')}/model/{Uri.EscapeDataString(_modelId)}/{operation}");

    private async Task<HttpResponseMessage> SendAsync(
        string operation, byte[] body, HttpCompletionOption completion, CancellationToken cancellationToken)
    {
        var uri = OperationUri(operation);
        try
        {
            return await _http.SendSuccessfulAsync(() =>
            {
                var content = new ByteArrayContent(body);
                content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                return new HttpRequestMessage(HttpMethod.Post, uri) { Content = content };
            }, completion, cancellationToken).ConfigureAwait(false);
        }
        catch (AwsThrottlingException error)
        {
            throw BedrockErrors.ForModel(error, _modelId);
        }
        catch (HttpRequestException error) when (!cancellationToken.IsCancellationRequested)
        {
            throw BedrockErrors.Unreachable(error, _modelId);
        }
    }

    private static string? RequestId(HttpResponseMessage response) =>
        response.Headers.TryGetValues("x-amzn-RequestId", out var values) ? values.FirstOrDefault() : null;
}
