using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Conduit.Tests.Support;

/// <summary>
/// A real HTTP listener on a free loopback port for wire tests of the AWS clients: it records every request and
/// answers with the next scripted response (500 when the script has run out, so a missing script is visible).
/// </summary>
public sealed class RecordingAwsServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<ScriptedResponse> _script = new();
    private readonly ConcurrentQueue<RecordedRequest> _requests = new();

    private RecordingAwsServer(WebApplication app, Uri url)
    {
        _app = app;
        Url = url;
    }

    public Uri Url { get; }

    public IReadOnlyList<RecordedRequest> Requests => [.. _requests];

    public static async Task<RecordingAwsServer> StartAsync()
    {
        var port = LoopbackPort.Free();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, port));
        var app = builder.Build();
        var server = new RecordingAwsServer(app, new Uri($"http://127.0.0.1:{port}/"));
        app.Run(server.HandleAsync);
        await app.StartAsync();
        return server;
    }

    public RecordingAwsServer Enqueue(params ScriptedResponse[] responses)
    {
        foreach (var response in responses) _script.Enqueue(response);
        return this;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task HandleAsync(HttpContext context)
    {
        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body);
        _requests.Enqueue(new RecordedRequest(
            context.Request.Method,
            context.Features.Get<IHttpRequestFeature>()!.RawTarget,
            context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase),
            body.ToArray()));

        if (!_script.TryDequeue(out var response))
        {
            context.Response.StatusCode = 500;
            await context.Response.WriteAsync(
                """{"__type":"NoScriptedResponse","message":"The test scripted no response for this request."}""");
            return;
        }
        context.Response.StatusCode = response.Status;
        foreach (var (name, value) in response.Headers ?? new Dictionary<string, string>())
        {
            if (name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase)) context.Response.ContentType = value;
            else context.Response.Headers[name] = value;
        }
        foreach (var chunk in response.BodyChunks)
        {
            await context.Response.Body.WriteAsync(chunk);
            await context.Response.Body.FlushAsync();
        }
    }
}
