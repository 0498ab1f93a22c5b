using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Conduit.Core.Serialization;

namespace Conduit.Core.Protocol;

/// <summary>
/// Sizes as they are on the wire: UTF-8 bytes of the serialised JSON, counted with the wire encoder's escapes, which
/// is what API Gateway's quotas are measured in (a character count can be off by a factor of twelve).
/// </summary>
public static class WireSize
{
    private static readonly JavaScriptEncoder Encoder = CoreJsonContext.Wire.Options.Encoder ?? JavaScriptEncoder.Default;

    public static int Of(ServerFrame frame) => JsonSerializer.SerializeToUtf8Bytes(frame, CoreJsonContext.Wire.ServerFrame).Length;

    public static int Of(string json) => Encoding.UTF8.GetByteCount(json);

    /// <summary>
    /// An upper bound on the bytes <paramref name="text"/> takes inside a JSON string: exact for what is written as
    /// it is, six bytes for an escaped character, twelve for an escaped surrogate pair.
    /// </summary>
    public static int OfText(ReadOnlySpan<char> text)
    {
        var bytes = 0;
        while (!text.IsEmpty)
        {
            var (size, consumed) = Next(text);
            bytes += size;
            text = text[consumed..];
        }
        return bytes;
    }

    /// <summary>
    /// How many chars of <paramref name="text"/> fit in <paramref name="maxBytes"/> (by <see cref="OfText"/>), ending on
    /// a Unicode scalar boundary so a surrogate pair is never split; at least one scalar, so a cut always progresses.
    /// </summary>
    public static int PrefixFitting(ReadOnlySpan<char> text, int maxBytes, out int bytes)
    {
        var length = 0;
        bytes = 0;
        while (length < text.Length)
        {
            var (size, consumed) = Next(text[length..]);
            if (bytes + size > maxBytes && length > 0) break;
            bytes += size;
            length += consumed;
        }
        return length;
    }

    private static (int Bytes, int Chars) Next(ReadOnlySpan<char> text)
    {
        if (Rune.DecodeFromUtf16(text, out var rune, out var consumed) != OperationStatus.Done) return (6, 1);
        if (!Encoder.WillEncode(rune.Value)) return (rune.Utf8SequenceLength, consumed);
        return (rune.IsBmp ? 6 : 12, consumed);
    }
}
