using System.Globalization;
using Conduit.Core.Chat;
using Conduit.Local.Gateway;
using Conduit.Local.Model;
using Conduit.Local.Queue;
using Conduit.Local.StepFunctions;

namespace Conduit.Local.Hosting;

/// <summary>Everything the local stack can be told, from the command line or by a test.</summary>
public sealed record LocalHostOptions
{
    public const int DefaultPort = 5080;

    public int Port { get; init; } = DefaultPort;

    /// <summary>
    /// Where SQLite keeps sessions, the queue and executions (ignored when <see cref="InMemory"/>); by default
    /// .conduit/ at the repository root, wherever the command is run from.
    /// </summary>
    public string DataDirectory { get; init; } = Path.Combine(RepositoryRoot ?? Directory.GetCurrentDirectory(), ".conduit");

    public bool InMemory { get; init; }

    public ModelChoice ModelSource { get; init; } = ModelChoice.Offline;

    /// <summary>The local BM25 index over the repository's docs/ unless told otherwise.</summary>
    public KnowledgeBaseChoice KnowledgeBase { get; init; } = new LocalKnowledgeBase(null);

    public StoreChoice Store { get; init; } = StoreChoice.Sqlite;

    public FunctionsMode Functions { get; init; } = FunctionsMode.InProcess;

    /// <summary>The AWS Region for real services; the default chain's (AWS_REGION, profile) when not set.</summary>
    public string? Region { get; init; }

    /// <summary>
    /// Where the AWS settings of the real services come from (AWS_REGION, AWS_ENDPOINT_URL…, the access keys): the
    /// process environment; a test gives its own.
    /// </summary>
    public Func<string, string?> AwsEnvironment { get; init; } = System.Environment.GetEnvironmentVariable;

    public string StateMachineFile { get; init; } = Path.Combine(AppContext.BaseDirectory, "StateMachines", "chat-turn.asl.json");

    public OfflineModelOptions Model { get; init; } = new();
    public QueueOptions Queue { get; init; } = new();
    public GatewayOptions Gateway { get; init; } = new();
    public ConduitSettings Settings { get; init; } = new();

    public AuthChoice Auth { get; init; } = AuthChoice.Development;

    /// <summary>Time added to each call that would cross the network on AWS; none unless asked for.</summary>
    public LatencyProfile Latency { get; init; } = LatencyProfile.None;

    /// <summary>The development issuer's name and audience; tokens it signs carry them.</summary>
    public const string DevelopmentIssuer = "conduit-local";
    public const string DevelopmentAudience = "conduit";

    /// <summary>Browser origins allowed to connect; by default only the host's own (the chat page it serves).</summary>
    public IReadOnlySet<string>? AllowedOrigins { get; init; }

    /// <summary>Host names, besides the loopback ones, that requests may name in their Host header (any port).</summary>
    public IReadOnlySet<string> AllowedHosts { get; init; } = new HashSet<string>(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// With --aws-credentials, the key the AWS endpoint accepts (its signatures verified) or any signer; without it, only
    /// this run's own functions.
    /// </summary>
    public AwsEdgeCredentials? AwsCredentials { get; init; }

    /// <summary>Failures the workflow's Lambda invocations meet first, from <c>--inject-fault</c> (repeatable).</summary>
    public IReadOnlyList<InjectedFault> InjectedFaults { get; init; } = [];

    public IReadOnlySet<string> EffectiveAllowedOrigins =>
        AllowedOrigins ?? new HashSet<string>(StringComparer.Ordinal) { $"http://127.0.0.1:{Port}", $"http://localhost:{Port}" };

    public Uri HttpBase => new($"http://127.0.0.1:{Port}/");
    public Uri WebSocketUrl => new($"ws://127.0.0.1:{Port}/{Gateway.Stage}");
    public Uri ConnectionsEndpoint => new($"http://127.0.0.1:{Port}/{Gateway.Stage}");

    public const string Usage = """
        Usage: dotnet run --project Local -- [options]
          --port <n>                  HTTP/WebSocket port on 127.0.0.1 (default 5080)
          --data-dir <path>           where local data is kept (default: .conduit/ at the repo root)
          --in-memory                 keep nothing on disk
          --kb <folder>               Markdown folder for the local knowledge base (default: the repo's docs/)
          --kb bedrock:<kbId>         search a Bedrock knowledge base instead
          --model offline             the offline stand-in model (default)
          --model bedrock:<modelId>   Bedrock Converse/ConverseStream, e.g. bedrock:us.amazon.nova-lite-v1:0
          --model openai:<url>#<name> an OpenAI-compatible server, e.g. openai:http://127.0.0.1:11434/v1#llama3.2
          --store sqlite|dynamodb[:<endpoint>]  where sessions, turns, history and frames live (default sqlite)
          --functions in-process|processes  run the functions inside the host (default), or each as its own process
                                      behind a Lambda Runtime API, as deployed (needs --store dynamodb:<endpoint>)
          --region <name>             AWS Region for Bedrock and DynamoDB (default: AWS_REGION or the profile's)
          --allowed-origin <origin>   a browser origin allowed to connect, exactly (repeatable; default: this host's own)
          --allowed-host <name>       a Host header name to answer besides localhost, 127.0.0.1 and [::1] (repeatable)
          --aws-credentials <id>:<secret>  the access key the AWS endpoint accepts, or "any" for any SigV4 signer
                                      (default: none but this run's own functions)
          --auth dev                  development tokens: signed here, printed at start, GET /local/dev/token?user=<id> (default)
          --auth jwks:<url>           validate real RS256/ES256 tokens against an issuer's JWKS (needs the two below)
          --jwt-issuer <iss>          the exact iss of real tokens
          --jwt-audience <aud>        the aud real tokens must carry
          --token-delay-ms <n>        offline model delay between tokens (default 20)
          --first-token-delay-ms <n>  offline model delay before the first token (default 250)
          --post-latency-ms <n>       delay added to each @connections POST, as a real one from Lambda costs (default 0)
          --latency-profile none|aws  add AWS's typical latency to every store, @connections, queue, workflow and
                                      function call (default none; figures in docs/performance.md)
          --inject-fault <fn>:<n>:<error>  the first n invocations of function fn by the workflow fail with error, e.g.
                                      conduit-Plan:2:Lambda.TooManyRequestsException (repeatable)
          --help, -h                  this text
        """;

    /// <summary>True when the command line asks for the usage (<c>--help</c>, <c>-h</c>) rather than a host.</summary>
    public static bool AsksForHelp(IReadOnlyList<string> args) => args.Any(arg => arg is "--help" or "-h");

    /// <summary>Reads command-line options; a bad one throws <see cref="ArgumentException"/> with a one-line reason.</summary>
    public static LocalHostOptions Parse(IReadOnlyList<string> args)
    {
        var options = new LocalHostOptions();
        for (var i = 0; i < args.Count; i++)
        {
            var name = args[i];
            string Value() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{name} needs a value.");
            int Number(int min, int max)
            {
                var text = Value();
                return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max
                    ? n
                    : throw new ArgumentException($"{name} takes a whole number from {min} to {max}, not \"{text}\".");
            }
            options = name switch
            {
                "--port" => options with { Port = Number(1, 65535) },
                "--data-dir" => options with { DataDirectory = Value() },
                "--in-memory" => options with { InMemory = true },
                "--kb" => options with { KnowledgeBase = KnowledgeBaseChoice.Parse(Value()) },
                "--model" => options with { ModelSource = ModelChoice.Parse(Value()) },
                "--store" => options with { Store = StoreChoice.Parse(Value()) },
                "--functions" => options with { Functions = ParseFunctions(Value()) },
                "--region" => options with { Region = Value() },
                "--aws-credentials" => options with { AwsCredentials = AwsEdgeCredentials.Parse(Value()) },
                "--auth" => options with { Auth = AuthChoice.Parse(Value()) },
                "--jwt-issuer" => options with { JwtIssuer = Value() },
                "--jwt-audience" => options with { JwtAudience = Value() },
                "--allowed-origin" => options with
                {
                    AllowedOrigins = new HashSet<string>(options.AllowedOrigins ?? new HashSet<string>(), StringComparer.Ordinal)
                    {
                        Origin(Value()),
                    },
                },
                "--allowed-host" => options with
                {
                    AllowedHosts = new HashSet<string>(options.AllowedHosts, StringComparer.OrdinalIgnoreCase)
                    {
                        HostAllowlist.ParseName(Value()),
                    },
                },
                "--token-delay-ms" => options with
                {
                    Model = options.Model with { TokenDelay = TimeSpan.FromMilliseconds(Number(0, 60_000)) },
                },
                "--first-token-delay-ms" => options with
                {
                    Model = options.Model with { FirstTokenDelay = TimeSpan.FromMilliseconds(Number(0, 60_000)) },
                },
                "--latency-profile" => options with { Latency = LatencyProfile.Parse(Value()) },
                "--inject-fault" => options with { InjectedFaults = [.. options.InjectedFaults, InjectedFault.Parse(Value())] },
                "--post-latency-ms" => options with
                {
                    Gateway = options.Gateway with { PostLatency = TimeSpan.FromMilliseconds(Number(0, 10_000)) },
                },
                _ => throw new ArgumentException($"Unknown option \"{name}\"."),
            };
        }
        if (options.Auth is JwksAuth jwks)
        {
            if (options.JwtIssuer is not { Length: > 0 } issuer || options.JwtAudience is not { Length: > 0 } audience)
                throw new ArgumentException("--auth jwks:<url> needs --jwt-issuer and --jwt-audience: tokens are checked against both.");
            options = options with { Auth = jwks with { Issuer = issuer, Audience = audience } };
        }
        if (options.Functions == FunctionsMode.Processes && options.Store is not DynamoDbStore { Endpoint: not null })
        {
            throw new ArgumentException(
                "--functions processes needs --store dynamodb:<endpoint> (e.g. dynalite): "
                + "the function processes reach their tables over HTTP, as deployed functions do.");
        }
        return options;
    }

    private static FunctionsMode ParseFunctions(string text) => text switch
    {
        "in-process" => FunctionsMode.InProcess,
        "processes" => FunctionsMode.Processes,
        _ => throw new ArgumentException($"--functions takes in-process or processes, not \"{text}\"."),
    };

    private string? JwtIssuer { get; init; }

    private string? JwtAudience { get; init; }

    private static string Origin(string text) =>
        Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" && uri.AbsolutePath == "/"
            && text == uri.GetLeftPart(UriPartial.Authority)
            ? text
            : throw new ArgumentException(
                "--allowed-origin takes an origin such as https://chat.example.com "
                + $"(scheme, host, optional port; no path or trailing slash), not \"{text}\".");

    /// <summary>The knowledge-base folder to use: the configured one, or docs/ of the repository this runs from.</summary>
    public string ResolveKnowledgeBaseFolder() =>
        KnowledgeBase is LocalKnowledgeBase { Folder: { } folder } ? Path.GetFullPath(folder)
        : RepositoryRoot is { } root ? Path.Combine(root, "docs")
        : throw new ArgumentException("Could not find the repository's docs/ folder; pass --kb <folder>.");

    /// <summary>The folder holding Conduit.slnx, above the working directory or above the running binaries.</summary>
    internal static string? RepositoryRoot { get; } =
        FindRepositoryRoot(Directory.GetCurrentDirectory()) ?? FindRepositoryRoot(AppContext.BaseDirectory);

    private static string? FindRepositoryRoot(string start)
    {
        for (var folder = new DirectoryInfo(start); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "Conduit.slnx"))) return folder.FullName;
        }
        return null;
    }
}
