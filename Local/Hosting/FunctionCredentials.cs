using System.Security.Cryptography;
using Amazon;
using Amazon.Runtime;
using Conduit.Aws;
using Conduit.Local.Edge;

namespace Conduit.Local.Hosting;

/// <summary>
/// The AWS credentials of this run's own functions, made at random when the host starts and never written anywhere:
/// they sign the functions' @connections calls, and the gateway accepts no other signer, so nothing else on the
/// machine can write into or close a user's socket. Everything that hands them out or checks them reads them here.
/// </summary>
public sealed record FunctionCredentials(string AccessKeyId, string SecretAccessKey)
{
    /// <summary>The Region the local functions sign for (the local ARNs say "local", but SDKs want a real Region name).</summary>
    public static RegionEndpoint Region { get; } = RegionEndpoint.USEast1;

    public static FunctionCredentials Create() => new(
        "AKID" + Convert.ToHexString(RandomNumberGenerator.GetBytes(8)),
        Convert.ToBase64String(RandomNumberGenerator.GetBytes(30)));

    /// <summary>How the functions' @connections client calls this host.</summary>
    public AwsClientSettings ConnectionsClientSettings =>
        new() { Region = Region, Credentials = new BasicAWSCredentials(AccessKeyId, SecretAccessKey) };

    public SigV4Verifier Verifier(TimeProvider time) => new(AccessKeyId, SecretAccessKey, Region.SystemName, time);

    /// <summary>Keeps the secret out of logs and exception messages that print the record.</summary>
    public override string ToString() => $"FunctionCredentials {{ AccessKeyId = {AccessKeyId} }}";
}
