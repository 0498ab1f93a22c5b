using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Conduit.Tests.Support;

/// <summary>A request exactly as it reached the wire: raw target, headers and body bytes.</summary>
public sealed record RecordedRequest(string Method, string RawTarget, IReadOnlyDictionary<string, string> Headers, byte[] Body)
{
    public string BodyText => System.Text.Encoding.UTF8.GetString(Body);

    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;
}

/// <summary>A scripted answer: status, headers and a body, written as a whole or in chunks with flushes between.</summary>
public sealed record ScriptedResponse(int Status, IReadOnlyList<byte[]> BodyChunks, IReadOnlyDictionary<string, string>? Headers = null)
{
    public static ScriptedResponse Json(int status, string body, IReadOnlyDictionary<string, string>? headers = null) =>
        new(status, [System.Text.Encoding.UTF8.GetBytes(body)], Merge(headers, "Content-Type", "application/json"));

    public static ScriptedResponse AwsJson(int status, string body, IReadOnlyDictionary<string, string>? headers = null) =>
        new(status, [System.Text.Encoding.UTF8.GetBytes(body)], Merge(headers, "Content-Type", "application/x-amz-json-1.0"));

    private static Dictionary<string, string> Merge(IReadOnlyDictionary<string, string>? headers, string name, string value)
    {
        var merged = headers is null ? new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) : new Dictionary<string, string>(headers, StringComparer.OrdinalIgnoreCase);
        merged.TryAdd(name, value);
        return merged;
    }
}

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
        var port = FreePort();
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
            await context.Response.WriteAsync("""{"__type":"NoScriptedResponse","message":"The test scripted no response for this request."}""");
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

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
