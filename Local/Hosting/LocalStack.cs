using System.Net;
using System.Net.Sockets;
using Conduit.Core.Ports;
using Conduit.Local.Bedrock;
using Conduit.Local.Edge;
using Conduit.Local.Gateway;
using Conduit.Local.Security;
using Conduit.Local.Sqlite;
using Conduit.Local.StepFunctions;
using Microsoft.Extensions.AI;

namespace Conduit.Local.Hosting;

/// <summary>The local stack: API Gateway, SQS, Step Functions and Lambda emulations in one process.</summary>
public static class LocalStack
{
    /// <param name="progress">Where to say what start-up is doing before it is ready; null says nothing.</param>
    public static WebApplication Create(
        LocalHostOptions options, Action<IServiceCollection>? overrides = null, TextWriter? progress = null)
    {
        progress?.WriteLine($"Starting Conduit's local stack on 127.0.0.1:{options.Port}…");
        EnsurePortIsFree(options.Port);
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, options.Port));
        builder.Logging.AddSimpleConsole(console => console.SingleLine = true);
        builder.Logging.AddFilter("Microsoft", LogLevel.Warning);
        builder.Services.AddConduitLocal(options);
        overrides?.Invoke(builder.Services);

        var app = builder.Build();
        try
        {
            LoadEagerly(app.Services, options, progress);
        }
        catch
        {
            app.DisposeAsync().AsTask().GetAwaiter().GetResult();
            throw;
        }
        app.Use(new HostAllowlist(options.AllowedHosts).InvokeAsync);
        app.UseAwsEdge();
        app.UseDefaultFiles();
        app.UseStaticFiles();
        app.UseWebSockets(new WebSocketOptions { KeepAliveInterval = options.Gateway.KeepAliveInterval });
        app.MapHealthApi();
        app.Map($"/{options.Gateway.Stage}", (HttpContext context, WebSocketGateway gateway) => gateway.AcceptAsync(context));
        app.MapConnectionsApi(options.Gateway.Stage);
        app.MapExecutionsApi(options.Gateway.Stage);
        app.MapSessionsApi(options.Gateway.Stage);
        if (options.Auth is DevelopmentAuth)
        {
            app.MapDevelopmentTokens(options.Gateway.Stage);
            app.MapDevelopmentJwks(options.Gateway.Stage);
        }
        app.Lifetime.ApplicationStarted.Register(() => PrintReady(options, app.Services.GetService<DevelopmentIssuer>()));
        app.Lifetime.ApplicationStopping.Register(() =>
            app.Services.GetRequiredService<WebSocketGateway>().CloseAllAsync(TimeSpan.FromSeconds(2)).GetAwaiter().GetResult());
        return app;
    }

    /// <summary>
    /// Takes the data folder, opens storage and loads the knowledge base and the state machine before listening, so a bad setting
    /// stops start-up with its own message instead of failing the first turn.
    /// </summary>
    private static void LoadEagerly(IServiceProvider services, LocalHostOptions options, TextWriter? progress)
    {
        progress?.WriteLine(options.InMemory ? "  keeping data in memory…" : $"  opening {Path.GetFullPath(options.DataDirectory)}…");
        services.GetRequiredService<DataFolder>();
        services.GetRequiredService<SqliteDatabase>();
        progress?.WriteLine("  indexing the knowledge base…");
        services.GetRequiredService<IKnowledgeBase>();
        services.GetRequiredService<IChatClient>();
        services.GetRequiredService<ISessionStore>();
        progress?.WriteLine("  loading the chat-turn workflow…");
        services.GetRequiredService<StepFunctionsEmulator>();
        services.GetRequiredService<AwsEdge>();
        services.GetRequiredService<AwsRestEdge>();
    }

    /// <summary>
    /// Kestrel reports a taken port only after the host has logged a stack trace; trying the port first gives one
    /// line instead. Something taking the port in between still fails start-up, with the trace.
    /// </summary>
    private static void EnsurePortIsFree(int port)
    {
        using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            probe.Bind(new IPEndPoint(IPAddress.Loopback, port));
        }
        catch (SocketException exception)
            when (exception.SocketErrorCode is SocketError.AddressAlreadyInUse or SocketError.AccessDenied)
        {
            throw new PortInUseException(port);
        }
    }

    private static string Describe(ModelChoice model) => model switch
    {
        BedrockModel bedrock => $"Bedrock {bedrock.ModelId}",
        OpenAiModel openAi => $"{openAi.Model} at {openAi.BaseUrl}",
        _ => "offline (not an LLM)",
    };

    private static string EdgeSigners(AwsEdgeCredentials? configured) => configured switch
    {
        { AcceptsAnyKey: true } => "any SigV4-signed credentials",
        { AccessKeyId: { } id } => $"SigV4 by {id} only",
        _ => "this run's functions only; --aws-credentials <id>:<secret> to use it",
    };

    private static void PrintReady(LocalHostOptions options, DevelopmentIssuer? issuer)
    {
        var http = options.HttpBase.AbsoluteUri.TrimEnd('/');
        var data = options.InMemory ? "in memory" : Path.GetFullPath(options.DataDirectory);
        var stores = options.Store is DynamoDbStore dynamo ? $"; stores on DynamoDB {dynamo.Endpoint?.AbsoluteUri ?? "(AWS)"}" : "";
        Console.WriteLine($$"""
            Conduit local stack is ready.
              Chat page          {{http}}/
              Traces             {{http}}/trace.html
              WebSocket API      {{options.WebSocketUrl}}
              @connections API   {{options.ConnectionsEndpoint}}/@connections/{connectionId} (SigV4, this run's functions only)
              Executions         {{http}}/{{options.Gateway.Stage}}/executions (bearer token; operators see every user's)
              Session history    {{http}}/{{options.Gateway.Stage}}/sessions/{sessionId}/history
              AWS endpoint       {{http}} (Step Functions, SQS; {{EdgeSigners(options.AwsCredentials)}})
              Bedrock            {{http}}/model/{modelId}/converse[-stream] (this model, any model id)
              Knowledge base     {{http}}/knowledgebases/{{BedrockAgentRuntimeApi.KnowledgeBaseId}}/retrieve (the local index)
              Health             {{http}}/healthz
              Data               {{data}}{{stores}}
              Model              {{Describe(options.ModelSource)}}
            """);
        if (issuer is null)
        {
            var jwks = (JwksAuth)options.Auth;
            Console.WriteLine($"Connections need a token from {jwks.Issuer} (audience {jwks.Audience}).");
            return;
        }
        var token = issuer.Issue("dev");
        Console.WriteLine($$"""
            Development token for user "dev" (12 h; more at {{http}}/{{options.Gateway.Stage}}/dev/token?user=<id>,
            an operator's with &operator=true):
              {{token}}
            Try it: npx -y wscat -c {{options.WebSocketUrl}} -s conduit.v1 -s {{token}}
              then send {"action":"sendMessage","requestId":"r1","text":"What is Conduit?"}
            """);
    }
}
