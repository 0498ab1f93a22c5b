using System.Diagnostics;
using System.IO.Compression;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using Amazon.DynamoDBv2;
using Amazon.Runtime;
using Amazon.Runtime.EventStreams;
using Conduit.Aws.DynamoDb;
using Conduit.Core.Contracts;
using Conduit.Core.Ports;
using Conduit.Core.Serialization;
using Conduit.Local.Lambda;
using Conduit.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Conduit.Bench;

/// <summary>
/// Lambda cold start of the provided.al2023 bootstrap, JIT (<c>dotnet bootstrap.dll</c>) against Native AOT: from
/// process start to the first response arriving at the Runtime API emulator, composition and all outbound calls
/// included. Every call goes to loopback servers: DynamoDB to dynalite (plain HTTP, through the SDK's
/// <c>AWS_ENDPOINT_URL_DYNAMODB</c>), and SQS, Bedrock Runtime and @connections through an HTTPS proxy to a
/// TLS listener with a certificate the child trusts (<c>SSL_CERT_FILE</c>), because the deployed composition
/// takes no endpoint override for our own clients; their real AWS host names, SigV4 and TLS handshakes stay in.
/// </summary>
public static partial class Scenarios
{
    private const int ColdStartRuns = 10;

    private static async Task<IReadOnlyList<Measurement>> ColdStartAsync()
    {
        var repository = RepositoryFiles.Root;
        var builds = Path.Combine(Path.GetTempPath(), "conduit-cold-start");
        var native = RuntimeInformation.IsOSPlatform(OSPlatform.Linux) && RuntimeInformation.OSArchitecture == Architecture.X64;
        if (!native) Console.Error.WriteLine("cold-start: Native AOT is built for linux-x64 only; measuring JIT alone on this machine.");

        var functions = new[]
        {
            (
                Name: "ingress", Project: "Ingress", Handler: "Conduit.Ingress::Conduit.Ingress.IngressFunction::Handle",
                Work: "sendMessage → ack"),
            (
                Name: "stream", Project: "Workers", Handler: "Conduit.Workers::Conduit.Workers.StreamFunction::Handle",
                Work: "Stream step, 24 tokens"),
        };
        var results = new List<Measurement>();
        var variants = new List<(string Function, string Mode, ColdStartBuild Build)>();
        foreach (var function in functions)
        {
            variants.Add(
                (
                    function.Name, "JIT",
                    await ColdStartBuild.PublishAsync(
                        repository, function.Project, nativeAot: false, Path.Combine(builds, $"jit-{function.Project}"))));
            if (native)
                variants.Add(
                    (
                        function.Name, "AOT",
                        await ColdStartBuild.PublishAsync(
                            repository, function.Project, nativeAot: true, Path.Combine(builds, $"aot-{function.Project}"))));
        }

        var node = NodeTools.Find() ?? throw new InvalidOperationException($"cold-start: {NodeTools.MissingReason}");
        await using var dynalite = await DynaliteProcess.StartAsync(node, CancellationToken.None);
        using var dynamo = new AmazonDynamoDBClient(
            new BasicAWSCredentials("local", "local"),
            new AmazonDynamoDBConfig { ServiceURL = dynalite.HttpBase.AbsoluteUri, AuthenticationRegion = "us-east-1" });
        var tables = DynamoTableNames.WithPrefix("conduit-bench");
        foreach (var table in ConduitTables.All) await dynamo.CreateTableAsync(table.ToCreateTableRequest(tables.For(table)));
        await using var aws = await LoopbackAws.StartAsync();
        var environment = FunctionEnvironment(dynalite.HttpBase, tables, aws);
        var seeder = new ColdStartSeeder(dynamo, tables);
        foreach (var (function, mode, build) in variants)
        {
            var (name, _, handler, work) = functions.Single(f => f.Name == function);
            var latencies = new List<double>();
            var resident = new List<double>();
            // Run -1 warms the page cache and dynalite's tables and is not counted: a deployed function's first start
            // reads its package from Lambda's cache, not from a cold build folder.
            for (var run = -1; run < ColdStartRuns; run++)
            {
                var invocation = name == "ingress" ? await seeder.IngressSendMessageAsync() : await seeder.StreamStepAsync();
                var (latency, residentMegabytes) = await ColdStartOnceAsync(build, handler, invocation, environment);
                if (run < 0) continue;
                latencies.Add(latency);
                resident.Add(residentMegabytes);
            }
            var label = mode == "AOT" ? "Native AOT" : "JIT";
            results.Add(
                Percentiles(
                    "cold-start", $"{name} {work}, {label}: start → response", latencies, "ms", mode == "AOT" ? "p50 ≤ 150 ms" : ""));
            results.Add(Percentiles("cold-start", $"{name}, {label}: RSS after first response", resident, "MB", ""));
            results.Add(
                new Measurement("cold-start", $"{name}, {label}: package size (zip)", 0, 0, build.PackageBytes / 1_048_576.0, "MB", 1, ""));
        }
        return results;
    }

    /// <summary>One cold start: a fresh emulator and process, the event queued before the process starts.</summary>
    private static async Task<(double Milliseconds, double ResidentMegabytes)> ColdStartOnceAsync(
        ColdStartBuild build, string handler, SeededInvocation invocation, IReadOnlyDictionary<string, string?> environment)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await using var emulator = await RuntimeApiEmulator.StartAsync(
            $"arn:aws:lambda:us-east-1:000000000000:function:conduit-{build.Project}", timeout.Token);
        var requestId = emulator.Enqueue(invocation.EventJson);
        await using var process = BootstrapProcess.Start(build.FileName, build.Arguments, handler, emulator.RuntimeApi, environment);
        RuntimePost post;
        try
        {
            post = await emulator.NextPostAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"{build.Project} ({build.FileName}) sent no response within a minute:\n{process.Output}");
        }
        var latency = Stopwatch.GetElapsedTime(process.StartedAt, post.ReceivedAt).TotalMilliseconds;
        var resident = ProcessMemory.ResidentBytes(process.Process.Id) / 1024.0 / 1024;
        if (post.Kind != RuntimePostKind.Response || post.RequestId != requestId || !invocation.Succeeded(post.Body))
            throw new InvalidOperationException($"{build.Project} did not do the work: {post.Kind} {post.BodyText}\n{process.Output}");
        return (latency, resident);
    }

    /// <summary>What template.yaml sets, with every endpoint on loopback.</summary>
    private static Dictionary<string, string?> FunctionEnvironment(Uri dynamoEndpoint, DynamoTableNames tables, LoopbackAws aws) => new()
    {
        ["AWS_REGION"] = "us-east-1",
        ["AWS_ACCESS_KEY_ID"] = "AKIDEXAMPLE",
        ["AWS_SECRET_ACCESS_KEY"] = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
        ["AWS_SESSION_TOKEN"] = null,
        ["AWS_PROFILE"] = null,
        ["AWS_CA_BUNDLE"] = null,
        ["AWS_ENDPOINT_URL_DYNAMODB"] = dynamoEndpoint.AbsoluteUri,
        ["HTTPS_PROXY"] = aws.ProxyUrl,
        ["NO_PROXY"] = "127.0.0.1,localhost",
        ["SSL_CERT_FILE"] = aws.CertificateFile,
        ["CONNECTIONS_TABLE"] = tables.Connections,
        ["SESSIONS_TABLE"] = tables.Sessions,
        ["TURNS_TABLE"] = tables.Turns,
        ["MESSAGES_TABLE"] = tables.Messages,
        ["MESSAGE_KEYS_TABLE"] = tables.MessageKeys,
        ["FRAMES_TABLE"] = tables.Frames,
        ["SUBSCRIPTIONS_TABLE"] = tables.Subscriptions,
        ["RATE_LIMITS_TABLE"] = tables.RateLimits,
        ["TURN_QUEUE_URL"] = "https://sqs.us-east-1.amazonaws.com/000000000000/conduit-turns",
        ["CONNECTIONS_ENDPOINT"] = $"https://{LoopbackAws.ConnectionsHost}/prod",
        ["MODEL_ID"] = "us.amazon.nova-lite-v1:0",
        ["JWKS_URL"] = "https://issuer.example.com/.well-known/jwks.json",
        ["JWT_ISSUER"] = "https://issuer.example.com",
        ["JWT_AUDIENCE"] = "conduit",
    };

    /// <summary>A published bootstrap, how to start it, and the size of its folder zipped as Lambda's package.</summary>
    private sealed record ColdStartBuild(string Project, string FileName, IReadOnlyList<string> Arguments, long PackageBytes)
    {
        /// <summary>A Native AOT publish on two cores takes minutes; one that hangs must still end the run.</summary>
        private static readonly TimeSpan PublishTimeout = TimeSpan.FromMinutes(20);

        /// <summary>Publishes every time (incremental when nothing changed), so a stale binary is never measured.</summary>
        public static async Task<ColdStartBuild> PublishAsync(string repository, string project, bool nativeAot, string output)
        {
            Console.Error.WriteLine($"cold-start: publishing {project} ({(nativeAot ? "Native AOT" : "JIT")}) to {output}…");
            if (Directory.Exists(output)) Directory.Delete(output, recursive: true);
            string[] mode = nativeAot ? ["-r", "linux-x64", "-p:PublishAot=true"] : ["-p:LambdaBootstrap=true"];
            var publish = await ChildProcess.RunAsync(
                "dotnet", ["publish", Path.Combine(repository, project), "-c", "Release", .. mode, "-o", output, "--nologo"],
                repository, PublishTimeout);
            publish.OutputIfSucceeded();
            using var package = new MemoryStream();
            await ZipFile.CreateFromDirectoryAsync(output, package, CompressionLevel.Optimal, includeBaseDirectory: false);
            return nativeAot
                ? new ColdStartBuild(project, Path.Combine(output, "bootstrap"), [], package.Length)
                : new ColdStartBuild(project, "dotnet", [Path.Combine(output, "bootstrap.dll")], package.Length);
        }
    }

    /// <summary>An event for one cold start and the check that the handler did its real work on it.</summary>
    private sealed record SeededInvocation(string EventJson, Func<byte[], bool> Succeeded);

    /// <summary>Writes, before each run, the DynamoDB state the event needs, as the earlier steps of a turn would have.</summary>
    private sealed class ColdStartSeeder(IAmazonDynamoDB client, DynamoTableNames tables)
    {
        private const string Question = "What does the Dispatcher do?";
        private static readonly TimeSpan Ttl = TimeSpan.FromDays(1);

        /// <summary>A signed-in connection of a new user sends a first message: the ack path, SQS SendMessage included.</summary>
        public async Task<SeededInvocation> IngressSendMessageAsync()
        {
            var now = DateTimeOffset.UtcNow;
            var connectionId = NewId();
            await new DynamoConnectionStore(client, tables).AddAsync(
                new ConnectionRecord(connectionId, now, "203.0.113.7", "bench", now + Ttl) { UserId = $"user-{NewId()}" },
                CancellationToken.None);
            var requestId = Guid.NewGuid().ToString();
            var body = JsonSerializer.Serialize(
                new Dictionary<string, string> { ["action"] = "sendMessage", ["requestId"] = requestId, ["text"] = Question });
            var request = new Dictionary<string, object>
            {
                ["requestContext"] = new Dictionary<string, object>
                {
                    ["routeKey"] = "sendMessage", ["eventType"] = "MESSAGE", ["connectionId"] = connectionId, ["messageDirection"] = "IN",
                    ["connectedAt"] = now.ToUnixTimeMilliseconds(), ["requestTimeEpoch"] = now.ToUnixTimeMilliseconds(), ["stage"] = "prod",
                    ["apiId"] = "abcdef1234", ["domainName"] = "abcdef1234.execute-api.us-east-1.amazonaws.com", ["requestId"] = NewId(),
                    ["identity"] = new Dictionary<string, string> { ["sourceIp"] = "203.0.113.7", ["userAgent"] = "bench" },
                },
                ["body"] = body,
                ["isBase64Encoded"] = false,
            };
            return new SeededInvocation(JsonSerializer.Serialize(request), response =>
            {
                using var proxy = JsonDocument.Parse(response);
                if (proxy.RootElement.GetProperty("statusCode").GetInt32() != 200) return false;
                using var frame = JsonDocument.Parse(proxy.RootElement.GetProperty("body").GetString()!);
                return frame.RootElement.GetProperty("type").GetString() == "ack"
                    && frame.RootElement.GetProperty("requestId").GetString() == requestId;
            });
        }

        /// <summary>A turn whose prompt was built: the Stream step streams the answer, saves it and posts done.</summary>
        public async Task<SeededInvocation> StreamStepAsync()
        {
            var time = TimeProvider.System;
            var now = time.GetUtcNow();
            var (sessionId, connectionId, requestId, userId) = (NewId(), NewId(), Guid.NewGuid().ToString(), $"user-{NewId()}");
            await new DynamoSessionStore(client, tables, time, Ttl).CreateAsync(sessionId, userId, CancellationToken.None);
            await new DynamoSubscriptionStore(client, tables).SubscribeAsync(
                sessionId, connectionId, 0, resetCursor: false, now + Ttl, CancellationToken.None);
            await new DynamoTurnStore(client, tables, time, Ttl).CreateAsync(
                new TurnRecord(requestId, sessionId, connectionId, Question, TurnStatus.Running, now, now, null) { UserId = userId },
                CancellationToken.None);
            var index = await new DynamoHistoryStore(client, tables, time).AppendAsync(
                sessionId, requestId, MessageRoles.User, Question, MessageStatuses.Complete, CancellationToken.None);
            var state = new ChatTurnState
            {
                Turn = new TurnReference(userId, requestId, sessionId, connectionId),
                AcceptedAt = now,
                Prompt = new PromptWindow(index, index, 1, 0),
            };
            return new SeededInvocation(JsonSerializer.Serialize(state, CoreJsonContext.Wire.ChatTurnState), response =>
                JsonSerializer.Deserialize(response, CoreJsonContext.Wire.ChatTurnState)
                    is { Outcome: { StopReason: "end_turn", AnswerIndex: > 0 } });
        }

        private static string NewId() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
    }

    /// <summary>
    /// SQS, Bedrock Runtime and the @connections API under their real host names: a CONNECT proxy on loopback tunnels
    /// to an HTTPS listener whose self-signed certificate names those hosts. SQS answers SendMessage, Bedrock streams
    /// a recorded-shape ConverseStream answer, and @connections accepts every frame.
    /// </summary>
    private sealed class LoopbackAws : IAsyncDisposable
    {
        public const string ConnectionsHost = "abcdef1234.execute-api.us-east-1.amazonaws.com";

        private static readonly byte[] ConverseStreamBody = BuildConverseStreamBody(24);

        private readonly WebApplication _app;
        private readonly TcpListener _proxy;
        private readonly CancellationTokenSource _stopping = new();
        private readonly Task _accepting;
        private readonly int _httpsPort;

        private LoopbackAws(WebApplication app, int httpsPort, string certificateFile)
        {
            _app = app;
            _httpsPort = httpsPort;
            CertificateFile = certificateFile;
            _proxy = new TcpListener(IPAddress.Loopback, 0);
            _proxy.Start();
            _accepting = AcceptAsync();
        }

        public string ProxyUrl => $"http://127.0.0.1:{((IPEndPoint)_proxy.LocalEndpoint).Port}";

        /// <summary>The certificate as PEM, the only root a child given it in <c>SSL_CERT_FILE</c> trusts.</summary>
        public string CertificateFile { get; }

        public static async Task<LoopbackAws> StartAsync()
        {
            var certificate = SelfSignedCertificate(
                "sqs.us-east-1.amazonaws.com", "bedrock-runtime.us-east-1.amazonaws.com", ConnectionsHost);
            var certificateFile = Path.Combine(Path.GetTempPath(), $"conduit-cold-start-{Guid.NewGuid():N}.pem");
            await File.WriteAllTextAsync(certificateFile, certificate.ExportCertificatePem());
            var builder = WebApplication.CreateSlimBuilder();
            builder.Logging.ClearProviders();
            builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen => listen.UseHttps(certificate)));
            var app = builder.Build();
            app.Run(AnswerAsync);
            await app.StartAsync();
            return new LoopbackAws(app, new Uri(app.Urls.Single()).Port, certificateFile);
        }

        public async ValueTask DisposeAsync()
        {
            await _stopping.CancelAsync();
            _proxy.Stop();
            await _accepting;
            await _app.StopAsync();
            await _app.DisposeAsync();
            File.Delete(CertificateFile);
            _stopping.Dispose();
        }

        private static async Task AnswerAsync(HttpContext context)
        {
            var request = context.Request;
            using var body = new MemoryStream();
            await request.Body.CopyToAsync(body);
            if (request.Host.Host == ConnectionsHost)
            {
                context.Response.StatusCode = StatusCodes.Status200OK;
            }
            else if (request.Headers["X-Amz-Target"] == "AmazonSQS.SendMessage")
            {
                using var send = JsonDocument.Parse(body.ToArray());
                var digest = Convert.ToHexStringLower(
                    MD5.HashData(Encoding.UTF8.GetBytes(send.RootElement.GetProperty("MessageBody").GetString()!)));
                context.Response.ContentType = "application/x-amz-json-1.0";
                await context.Response.WriteAsync($$"""{"MessageId":"{{Guid.NewGuid()}}","MD5OfMessageBody":"{{digest}}"}""");
            }
            else if (request.Path.Value?.EndsWith("/converse-stream", StringComparison.Ordinal) == true)
            {
                context.Response.ContentType = "application/vnd.amazon.eventstream";
                await context.Response.Body.WriteAsync(ConverseStreamBody);
            }
            else
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
            }
        }

        private async Task AcceptAsync()
        {
            var tunnels = new List<Task>();
            try
            {
                while (true) tunnels.Add(TunnelAsync(await _proxy.AcceptTcpClientAsync(_stopping.Token)));
            }
            catch (Exception exception) when (exception is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                // Stopping: the listener is closed and the tunnels end with their connections.
            }
            await Task.WhenAll(tunnels);
        }

        /// <summary>Reads the CONNECT head (the client sends nothing more until it is answered), then pipes bytes both ways.</summary>
        private async Task TunnelAsync(TcpClient client)
        {
            using (client)
            using (var upstream = new TcpClient())
            {
                try
                {
                    var stream = client.GetStream();
                    var head = new StringBuilder();
                    var buffer = new byte[1];
                    while (!head.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal)
                        && await stream.ReadAsync(buffer, _stopping.Token) == 1)
                        head.Append((char)buffer[0]);
                    if (!head.ToString().StartsWith("CONNECT ", StringComparison.Ordinal)) return;
                    await upstream.ConnectAsync(IPAddress.Loopback, _httpsPort, _stopping.Token);
                    await stream.WriteAsync("HTTP/1.1 200 Connection Established\r\n\r\n"u8.ToArray(), _stopping.Token);
                    var server = upstream.GetStream();
                    await Task.WhenAny(stream.CopyToAsync(server, _stopping.Token), server.CopyToAsync(stream, _stopping.Token));
                }
                catch (Exception exception) when (exception is IOException or SocketException or OperationCanceledException)
                {
                    // The bootstrap was killed mid-connection, or the bench is stopping.
                }
            }
        }

        private static X509Certificate2 SelfSignedCertificate(params string[] hosts)
        {
            using var key = RSA.Create(2048);
            var request = new CertificateRequest("CN=conduit-cold-start", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            var names = new SubjectAlternativeNameBuilder();
            foreach (var host in hosts) names.AddDnsName(host);
            request.CertificateExtensions.Add(names.Build());
            request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], critical: false));
            using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
            return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pkcs12), null);
        }

        /// <summary>A ConverseStream answer as Bedrock frames it: messageStart, text deltas, stops and usage.</summary>
        private static byte[] BuildConverseStreamBody(int tokens)
        {
            var frames = new List<byte[]> { Frame("messageStart", """{"role":"assistant"}""") };
            for (var i = 0; i < tokens; i++)
                frames.Add(Frame("contentBlockDelta", $$$"""{"contentBlockIndex":0,"delta":{"text":"word{{{i}}} "}}"""));
            frames.Add(Frame("contentBlockStop", """{"contentBlockIndex":0}"""));
            frames.Add(Frame("messageStop", """{"stopReason":"end_turn"}"""));
            var usage = $$$"""{"inputTokens":42,"outputTokens":{{{tokens}}},"totalTokens":{{{42 + tokens}}}}""";
            frames.Add(Frame("metadata", $$$"""{"usage":{{{usage}}},"metrics":{"latencyMs":120}}"""));
            return [.. frames.SelectMany(f => f)];
        }

        private static byte[] Frame(string eventType, string json)
        {
            var headers = new List<IEventStreamHeader>();
            (string Name, string Value)[] values =
                [(":message-type", "event"), (":event-type", eventType), (":content-type", "application/json")];
            foreach (var (name, value) in values)
            {
                var header = new EventStreamHeader(name);
                header.SetString(value);
                headers.Add(header);
            }
            return new EventStreamMessage(headers, Encoding.UTF8.GetBytes(json)).ToByteArray();
        }
    }
}
