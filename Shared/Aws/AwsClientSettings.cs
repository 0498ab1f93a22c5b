using Amazon;
using Amazon.Runtime;
using Conduit.Aws.Endpoints;

namespace Conduit.Aws;

/// <summary>Where and as whom a client calls AWS. Null credentials mean the default chain, resolved per request.</summary>
public sealed record AwsClientSettings
{
    public required RegionEndpoint Region { get; init; }
    public AWSCredentials? Credentials { get; init; }

    /// <summary>Replaces the service's regional endpoint: a local emulator, a VPC endpoint, or a test listener.</summary>
    public Uri? ServiceUrl { get; init; }

    public int MaxAttempts { get; init; } = 4;
    public TimeSpan BaseDelay { get; init; } = TimeSpan.FromMilliseconds(100);
    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Bounds one attempt up to the response headers; a streamed body is bounded by the caller's token.</summary>
    public TimeSpan AttemptTimeout { get; init; } = TimeSpan.FromSeconds(15);

    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>The innermost handler; tests put a capturing or in-process handler here.</summary>
    public HttpMessageHandler? InnerHandler { get; init; }

    /// <summary>False sends requests without SigV4, for endpoints that take no signature (the local @connections emulation).</summary>
    public bool SignRequests { get; init; } = true;

    /// <summary>The standard endpoint settings (AWS_ENDPOINT_URL and its relatives); none unless given.</summary>
    public ConfiguredEndpoints Endpoints { get; init; } = ConfiguredEndpoints.None;

    /// <summary>Where to send a request: <see cref="ServiceUrl"/>, else the configured endpoint, else the regional one.</summary>
    public Uri EndpointFor(AwsService service) =>
        ServiceUrl ?? Endpoints.For(service) ?? new Uri($"https://{service.EndpointPrefix}.{Region.SystemName}.amazonaws.com/");
}
