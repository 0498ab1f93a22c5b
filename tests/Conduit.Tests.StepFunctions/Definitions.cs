using System.Text.Json.Nodes;

namespace Conduit.Tests.StepFunctions;

/// <summary>Builds the small state machines the tests run.</summary>
internal static class Definitions
{
    /// <summary>
    /// A machine whose StartAt is a Task state "Work" that ends the execution, with <paramref name="taskFieldsJson"/>
    /// merged into it and <paramref name="otherStatesJson"/> (an object of states) beside it.
    /// </summary>
    public static string SingleTask(string taskFieldsJson = "{}", string otherStatesJson = "{}")
    {
        var task = new JsonObject { ["Type"] = "Task", ["Resource"] = EmulatorHarness.Resource, ["End"] = true };
        foreach (var (field, value) in JsonNode.Parse(taskFieldsJson)!.AsObject()) task[field] = value?.DeepClone();
        if (task.ContainsKey("Next")) task.Remove("End");

        var states = new JsonObject { ["Work"] = task };
        foreach (var (name, state) in JsonNode.Parse(otherStatesJson)!.AsObject()) states[name] = state?.DeepClone();
        return new JsonObject { ["StartAt"] = "Work", ["States"] = states }.ToJsonString();
    }

    /// <summary>A machine made of one Pass state with <paramref name="passFieldsJson"/> merged into it.</summary>
    public static string SinglePass(string passFieldsJson)
    {
        var pass = new JsonObject { ["Type"] = "Pass", ["End"] = true };
        foreach (var (field, value) in JsonNode.Parse(passFieldsJson)!.AsObject()) pass[field] = value?.DeepClone();
        return new JsonObject { ["StartAt"] = "Shape", ["States"] = new JsonObject { ["Shape"] = pass } }.ToJsonString();
    }
}
