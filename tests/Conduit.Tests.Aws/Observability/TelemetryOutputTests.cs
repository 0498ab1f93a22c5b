using System.Text.Json;
using Conduit.Aws.Observability;
using Conduit.Core.Contracts;
using Conduit.Core.Observability;
using Microsoft.Extensions.Logging;

namespace Conduit.Tests.Aws.Observability;

public sealed class TelemetryOutputTests
{
    private readonly StringWriter _output = new();

    [Fact]
    public void Log_InsideAnInvocation_IsOneJsonLineWithTheTurnIdsAndTemplateValues()
    {
        var telemetry = new FunctionTelemetry(
            new JsonLineLoggerFactory(_output, LogLevel.Information, TimeProvider.System), NoMetrics.Instance);
        var logger = telemetry.Loggers.CreateLogger("Test");

        using (telemetry.Begin("Stream", new TurnReference("u-1", "r-1", "s-1", "c-1="), "streaming"))
        {
            logger.LogInformation("Posted {FrameCount} frames", 3);
        }

        var line = Assert.Single(Lines());
        Assert.Equal("Information", line.GetProperty("level").GetString());
        Assert.Equal("Posted 3 frames", line.GetProperty("message").GetString());
        Assert.Equal(3, line.GetProperty("frameCount").GetDouble());
        Assert.Equal("r-1", line.GetProperty("requestId").GetString());
        Assert.Equal("s-1", line.GetProperty("sessionId").GetString());
        Assert.Equal("c-1=", line.GetProperty("connectionId").GetString());
        Assert.Equal("streaming", line.GetProperty("phase").GetString());
        Assert.Equal("Stream", line.GetProperty("function").GetString());
    }

    [Fact]
    public void Log_BelowTheMinimumLevel_IsNotWritten()
    {
        var logger = new JsonLineLoggerFactory(_output, LogLevel.Information, TimeProvider.System).CreateLogger("Test");

        logger.LogDebug("detail");

        Assert.Empty(Lines());
    }

    [Fact]
    public void Metrics_OneInvocation_WriteOneEmbeddedMetricFormatRecord()
    {
        var metrics = new EmfMetrics(_output, TimeProvider.System);

        using (metrics.BeginInvocation("Stream", "r-1"))
        {
            metrics.Add(MetricNames.FramesPosted, 1, MetricUnit.Count);
            metrics.Add(MetricNames.FramesPosted, 1, MetricUnit.Count);
            metrics.Add(MetricNames.TimeToFirstToken, 120.5, MetricUnit.Milliseconds);
        }
        metrics.Add(MetricNames.FramesPosted, 1, MetricUnit.Count);

        var record = Assert.Single(Lines());
        var directive = record.GetProperty("_aws").GetProperty("CloudWatchMetrics")[0];
        Assert.Equal(EmfMetrics.Namespace, directive.GetProperty("Namespace").GetString());
        Assert.Equal("Function", directive.GetProperty("Dimensions")[0][0].GetString());
        Assert.Equal(
            [MetricNames.FramesPosted, MetricNames.TimeToFirstToken],
            directive.GetProperty("Metrics").EnumerateArray().Select(m => m.GetProperty("Name").GetString()));
        Assert.Equal("Stream", record.GetProperty("Function").GetString());
        Assert.Equal("r-1", record.GetProperty("requestId").GetString());
        Assert.Equal([1.0, 1.0], record.GetProperty(MetricNames.FramesPosted).EnumerateArray().Select(v => v.GetDouble()));
    }

    [Fact]
    public void Metrics_ExtraDimension_JoinsTheDimensionSet()
    {
        var metrics = new EmfMetrics(_output, TimeProvider.System);

        using (metrics.BeginInvocation("NotifyFailure", "r-1"))
        {
            metrics.AddDimension("Code", "model_throttled");
            metrics.Add(MetricNames.TurnFailures, 1, MetricUnit.Count);
        }

        var record = Assert.Single(Lines());
        Assert.Equal(
            ["Function", "Code"],
            record.GetProperty("_aws").GetProperty("CloudWatchMetrics")[0].GetProperty("Dimensions")[0].EnumerateArray().Select(
                d => d.GetString()));
        Assert.Equal("model_throttled", record.GetProperty("Code").GetString());
    }

    private List<JsonElement> Lines() =>
        _output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => JsonDocument.Parse(line).RootElement.Clone()).ToList();
}
