using System.Text.Json.Nodes;

namespace Conduit.Tests.StepFunctions;

internal static class JsonAssert
{
    /// <summary>Asserts that two JSON texts hold the same value, whatever their formatting and property order.</summary>
    public static void Equivalent(string expectedJson, string? actualJson)
    {
        Assert.NotNull(actualJson);
        var expected = JsonNode.Parse(expectedJson);
        var actual = JsonNode.Parse(actualJson);
        Assert.True(
            JsonNode.DeepEquals(expected, actual),
            $"Expected {expected?.ToJsonString() ?? "null"}{Environment.NewLine}but got  {actual?.ToJsonString() ?? "null"}");
    }
}
