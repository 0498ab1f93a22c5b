using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Amazon.Runtime.Signing;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace Conduit.Aws;

/// <summary>
/// Sends AWS requests: SigV4-signed by AWSSDK.Core's handler, each attempt bounded by a timeout, throttling,
/// 5xx and transport failures retried with capped exponential backoff and full jitter.
/// </summary>
public sealed class AwsHttp
{
    private readonly ResiliencePipeline<HttpResponseMessage> _pipeline;

    public AwsHttp(string signingName, AwsClientSettings settings)
    {
        // No draining: a cancelled model stream must stop reading at once, not consume the rest to reuse the socket.
        var transport = settings.InnerHandler ?? new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            MaxResponseDrainSize = 0,
        };
        HttpMessageHandler handler = settings.SignRequests
            ? new SigV4SigningHandler(
                new AWSSigV4Parameters { Credentials = settings.Credentials, Region = settings.Region, Service = signingName },
                transport)
            : transport;
        Client = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
        var pipeline = new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = settings.Time };
        if (settings.MaxAttempts > 1)
        {
            pipeline.AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                MaxRetryAttempts = settings.MaxAttempts - 1,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = settings.BaseDelay,
                MaxDelay = settings.MaxDelay,
                ShouldHandle = args => ValueTask.FromResult(IsTransient(args.Outcome)),
                OnRetry = args =>
                {
                    args.Outcome.Result?.Dispose();
                    return ValueTask.CompletedTask;
                },
            });
        }
        _pipeline = pipeline.AddTimeout(settings.AttemptTimeout).Build();
    }

    public HttpClient Client { get; }

    /// <summary>
    /// Sends a fresh request per attempt and returns the first success or non-transient answer; the final
    /// transient failure is returned too, for the caller to turn into a typed exception.
    /// </summary>
    public async Task<HttpResponseMessage> SendAsync(
        Func<HttpRequestMessage> createRequest, HttpCompletionOption completion, CancellationToken cancellationToken) =>
        await _pipeline.ExecuteAsync(async token =>
        {
            using var request = createRequest();
            return await Client.SendAsync(request, completion, token).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);

    /// <summary>
    /// One AWS JSON 1.0 call (SQS, Step Functions): a POST to the service root naming the operation in
    /// <c>X-Amz-Target</c>, with the bare media type as the SDKs send it (no charset parameter).
    /// </summary>
    public async Task<TOutput> CallJson10Async<TInput, TOutput>(
        Uri endpoint,
        string target,
        TInput input,
        JsonTypeInfo<TInput> inputType,
        JsonTypeInfo<TOutput> outputType,
        CancellationToken cancellationToken)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(input, inputType);
        using var response = await SendSuccessfulAsync(() =>
        {
            var content = new ByteArrayContent(body);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/x-amz-json-1.0");
            return new HttpRequestMessage(HttpMethod.Post, endpoint) { Content = content, Headers = { { "X-Amz-Target", target } } };
        }, HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
        var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            return await JsonSerializer.DeserializeAsync(stream, outputType, cancellationToken).ConfigureAwait(false)
                ?? throw new JsonException($"{target} answered with a null body.");
        }
    }

    /// <summary>Sends and throws the typed <see cref="AwsServiceException"/> for any non-success answer.</summary>
    public async Task<HttpResponseMessage> SendSuccessfulAsync(
        Func<HttpRequestMessage> createRequest, HttpCompletionOption completion, CancellationToken cancellationToken)
    {
        var response = await SendAsync(createRequest, completion, cancellationToken).ConfigureAwait(false);
        if (response.IsSuccessStatusCode) return response;
        using (response)
        {
            throw await AwsServiceException.FromResponseAsync(response, cancellationToken).ConfigureAwait(false);
        }
    }

    private static bool IsTransient(Outcome<HttpResponseMessage> outcome) => outcome switch
    {
        { Exception: HttpRequestException or TimeoutRejectedException } => true,
        { Result: { } response } => response.StatusCode == HttpStatusCode.TooManyRequests
            || (int)response.StatusCode >= 500
            || (response.StatusCode == HttpStatusCode.BadRequest && IsThrottlingType(response)),
        _ => false,
    };

    /// <summary>SQS and others answer throttling with 400 and a throttling error type in the header.</summary>
    private static bool IsThrottlingType(HttpResponseMessage response) =>
        response.Headers.TryGetValues("X-Amzn-ErrorType", out var types)
        && AwsServiceException.Sanitize(types.FirstOrDefault()) is { } type
        && AwsServiceException.From(type, response.StatusCode, "") is AwsThrottlingException;
}
