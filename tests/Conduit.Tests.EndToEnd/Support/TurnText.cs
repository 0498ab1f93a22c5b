using System.Text;
using System.Text.Json;

namespace Conduit.Tests.EndToEnd.Support;

/// <summary>What a client makes of the frames it received, by the protocol's rules.</summary>
public static class TurnText
{
    /// <summary>The answer text: token text of the turn after its latest streaming status, in seq order.</summary>
    public static string Of(IEnumerable<JsonElement> frames, string requestId)
    {
        var text = new StringBuilder();
        foreach (var frame in frames.Where(f => f.TryGetProperty("requestId", out var id) && id.GetString() == requestId).OrderBy(
            f => f.GetProperty("seq").GetInt64()))
        {
            var type = frame.GetProperty("type").GetString();
            if (type == "status" && frame.GetProperty("phase").GetString() == "streaming") text.Clear();
            if (type == "token") text.Append(frame.GetProperty("text").GetString());
        }
        return text.ToString();
    }

    /// <summary>Every seq the frames stand for, in arrival order (a replayed token frame covers firstSeq..seq).</summary>
    public static IEnumerable<long> CoveredSeqs(IEnumerable<JsonElement> frames)
    {
        foreach (var frame in frames)
        {
            if (!frame.TryGetProperty("seq", out var last)) continue;
            var first = frame.TryGetProperty("firstSeq", out var from) ? from.GetInt64() : last.GetInt64();
            for (var seq = first; seq <= last.GetInt64(); seq++) yield return seq;
        }
    }
}
