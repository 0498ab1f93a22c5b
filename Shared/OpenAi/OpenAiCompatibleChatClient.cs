using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using Conduit.Core.Chat;
using Microsoft.Extensions.AI;

namespace Conduit.OpenAi;

/// <summary>
/// An <see cref="IChatClient"/> for servers that speak the OpenAI Chat Completions API (Ollama, llama.cpp's
/// server, vLLM). Throttling (429, and 503, which Ollama answers when its queue is full) surfaces as
/// <c>ModelThrottledException</c> so the workflow retries it; any other refusal, in-stream error or broken stream as
/// <see cref="OpenAiCompatibleException"/>; a server that cannot be reached, or drops the connection before answering, as
/// <see cref="ModelUnavailableException"/>, which the turn reports as retryable; and a server
/// that goes quiet for longer than
/// <see cref="OpenAiCompatibleOptions.Timeout"/> as <see cref="TimeoutException"/>.
/// </summary>
/// <remarks>
/// Build the <see cref="HttpClient"/> over <c>SocketsHttpHandler { MaxResponseDrainSize = 0 }</c>: a stream given up
/// between two reads is otherwise drained in the background for up to two seconds to reuse the connection, and
/// the model server keeps generating for that long. A read in progress when cancelled always drops the connection.
/// </remarks>
public sealed class OpenAiCompatibleChatClient : IChatClient
{
    private const string DoneMarker = "[DONE]";

    private readonly HttpClient _http;
    private readonly Uri _completionsUrl;
    private readonly string _model;
    private readonly OpenAiCompatibleOptions _options;
    private readonly ChatClientMetadata _metadata;

    /// <param name="http">Not disposed by this client: the caller owns it and its connection pool.</param>
    /// <param name="baseUrl">The API root, e.g. <c>http://127.0.0.1:11434/v1</c>; requests go to <c>{baseUrl}/chat/completions</c>.</param>
    /// <param name="model">The model name the server knows, sent unless <c>ChatOptions.ModelId</c> overrides it.</param>
    /// <param name="options">Token limit, key, temperature and timeout.</param>
    public OpenAiCompatibleChatClient(HttpClient http, Uri baseUrl, string model, OpenAiCompatibleOptions options)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(baseUrl);
        ArgumentException.ThrowIfNullOrWhiteSpace(model);
        ArgumentNullException.ThrowIfNull(options);
        _http = http;
        _completionsUrl = new Uri(baseUrl.AbsoluteUri.TrimEnd('/') + "/chat/completions");
        _model = model;
        _options = options;
        _metadata = new ChatClientMetadata("openai-compatible", baseUrl, model);
    }

    public async Task<ChatResponse> GetResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        using var deadline = StartDeadline(cancellationToken);
        try
        {
            var requestBody = ChatCompletionRequest.Write(_model, messages, options, _options, stream: false);
            using var response = await SendAsync(requestBody, stream: false, deadline.Token).ConfigureAwait(false);
            var body = await response.Content.ReadAsByteArrayAsync(deadline.Token).ConfigureAwait(false);
            return ChatCompletionResponse.Read(body);
        }
        catch (Exception exception) when (IsAbort(exception) && deadline.IsCancellationRequested)
        {
            throw Abort(exception, cancellationToken);
        }
    }

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages,
        ChatOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        using var deadline = StartDeadline(cancellationToken);
        var body = ChatCompletionRequest.Write(_model, messages, options, _options, stream: true);
        using var response = await WithinDeadlineAsync(SendAsync(body, stream: true, deadline.Token), deadline, cancellationToken)
            .ConfigureAwait(false);
        var stream = await WithinDeadlineAsync(response.Content.ReadAsStreamAsync(deadline.Token), deadline, cancellationToken)
            .ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            // A read blocked on a quiet server must end the moment the caller gives up or the timeout passes, even
            // through a handler whose reads ignore cancellation tokens.
            using var abortRead = deadline.Token.UnsafeRegister(static state => ((Stream)state!).Dispose(), stream);
            var events = new ServerSentEventReader(stream);
            var completion = new ChatCompletionStream();
            while (true)
            {
                // Events already buffered would otherwise still be read and yielded after the caller cancelled.
                cancellationToken.ThrowIfCancellationRequested();
                // Only the server's silence counts against the timeout, not the time the caller spends on an update.
                deadline.CancelAfter(_options.Timeout);
                var serverEvent = await WithinDeadlineAsync(events.ReadAsync(deadline.Token).AsTask(), deadline, cancellationToken)
                    .ConfigureAwait(false);
                deadline.CancelAfter(Timeout.InfiniteTimeSpan);
                if (serverEvent is not { } received) break;
                if (received.Data == DoneMarker)
                {
                    if (completion.Complete() is { } last) yield return last;
                    yield break;
                }
                if (completion.Apply(received) is { } update) yield return update;
            }
        }
        throw new OpenAiCompatibleException(
            null, $"The stream ended without {DoneMarker}: the server stopped part way through the answer.");
    }

    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        if (serviceKey is not null) return null;
        if (serviceType == typeof(ChatClientMetadata)) return _metadata;
        return serviceType.IsInstanceOfType(this) ? this : null;
    }

    /// <summary>Nothing to release: the <see cref="HttpClient"/> belongs to the caller.</summary>
    public void Dispose()
    {
    }

    private async Task<HttpResponseMessage> SendAsync(byte[] body, bool stream, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, _completionsUrl) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(stream ? "text/event-stream" : "application/json"));
        if (!string.IsNullOrEmpty(_options.ApiKey))
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _options.ApiKey);

        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException exception) when (!cancellationToken.IsCancellationRequested)
        {
            // Refused, or reset before a byte of the answer: nothing was lost, so the turn may be retried.
            throw new ModelUnavailableException(
                $"The model server at {_completionsUrl} could not be reached: {exception.Message}", exception);
        }
        if (response.IsSuccessStatusCode) return response;
        using (response)
        {
            throw await ChatCompletionResponse.ErrorFromAsync(response, cancellationToken).ConfigureAwait(false);
        }
    }

    private CancellationTokenSource StartDeadline(CancellationToken cancellationToken)
    {
        var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(_options.Timeout);
        return deadline;
    }

    private async Task<T> WithinDeadlineAsync<T>(Task<T> pending, CancellationTokenSource deadline, CancellationToken cancellationToken)
    {
        try
        {
            return await pending.ConfigureAwait(false);
        }
        catch (Exception exception) when (IsAbort(exception) && deadline.IsCancellationRequested)
        {
            throw Abort(exception, cancellationToken);
        }
    }

    /// <summary>What a cancelled or disposed read throws, depending on the handler and on where it was cut off.</summary>
    private static bool IsAbort(Exception exception) =>
        exception is OperationCanceledException or ObjectDisposedException or IOException or HttpRequestException;

    private Exception Abort(Exception exception, CancellationToken cancellationToken) =>
        cancellationToken.IsCancellationRequested
            ? new OperationCanceledException("The chat completion was cancelled.", exception, cancellationToken)
            : new TimeoutException($"The model server sent nothing for {_options.Timeout}.", exception);
}
