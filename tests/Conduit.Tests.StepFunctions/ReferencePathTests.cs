using System.Text.Json.Nodes;
using Conduit.Local.StepFunctions;

namespace Conduit.Tests.StepFunctions;

public sealed class ReferencePathTests
{
    private static readonly JsonObject Context = new() { ["State"] = new JsonObject { ["Name"] = "Work" } };

    private static ReferencePath Parse(string text) =>
        ReferencePath.TryParse(text, out var path, out var problem) ? path : throw new InvalidOperationException(problem);

    [Theory]
    [InlineData("$", """{ "a": { "b c": [ 1, { "d": "x" } ], "it's": 2, "q": { "r": 3 } } }""")]
    [InlineData("$.a.q.r", "3")]
    [InlineData("$['a']['b c'][1].d", "\"x\"")]
    [InlineData("""$["a"]["it's"]""", "2")]
    [InlineData(@"$['a']['it\'s']", "2")]
    [InlineData("$.a['b c'][0]", "1")]
    [InlineData("$$.State.Name", "\"Work\"")]
    public void TryResolve_SupportedSteps_SelectTheNode(string path, string expectedJson)
    {
        var data = JsonNode.Parse("""{ "a": { "b c": [ 1, { "d": "x" } ], "it's": 2, "q": { "r": 3 } } }""");

        Assert.True(Parse(path).TryResolve(new PathScope(data, Context), out var value));
        JsonAssert.Equivalent(expectedJson, value?.ToJsonString());
    }

    [Theory]
    [InlineData("$.missing")]
    [InlineData("$.a[5]")]
    [InlineData("$.a.b")]
    [InlineData("$[0]")]
    public void TryResolve_PathSelectingNothing_ReturnsFalse(string path)
    {
        var data = JsonNode.Parse("""{ "a": [ 1 ] }""");

        Assert.False(Parse(path).TryResolve(new PathScope(data, Context), out _));
    }

    [Theory]
    [InlineData("")]
    [InlineData("a.b")]
    [InlineData("$.")]
    [InlineData("$..a")]
    [InlineData("$.a[*]")]
    [InlineData("$.a[-1]")]
    [InlineData("$.a[0,1]")]
    [InlineData("$['unterminated")]
    [InlineData("$.a b")]
    public void TryParse_UnsupportedSyntax_ReportsAProblem(string path)
    {
        Assert.False(ReferencePath.TryParse(path, out _, out var problem));
        Assert.False(string.IsNullOrEmpty(problem));
    }

    [Fact]
    public void Place_MissingObjects_AreCreatedWithoutChangingTheTarget()
    {
        var target = JsonNode.Parse("""{ "keep": 1, "a": { "other": 2 } }""");

        var placed = Parse("$.a.b.c").Place(target, JsonValue.Create("v"));

        JsonAssert.Equivalent("""{ "keep": 1, "a": { "other": 2, "b": { "c": "v" } } }""", placed?.ToJsonString());
        JsonAssert.Equivalent("""{ "keep": 1, "a": { "other": 2 } }""", target?.ToJsonString());
    }

    [Theory]
    [InlineData("$.a.b", """{ "a": "text" }""")]
    [InlineData("$.list[3]", """{ "list": [ 1 ] }""")]
    [InlineData("$.x", "[ 1 ]")]
    public void Place_ThroughNonContainer_FailsWithResultPathMatchFailure(string path, string targetJson)
    {
        var exception = Assert.Throws<StatesErrorException>(() => Parse(path).Place(JsonNode.Parse(targetJson), JsonValue.Create(1)));

        Assert.Equal(StatesErrors.ResultPathMatchFailure, exception.Error);
    }
}
