using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Conduit.Aws.Lambda;

/// <summary>Reading an event and writing a result as the Stream handlers' contract with the Lambda runtime wants.</summary>
public static class LambdaJson
{
    public static async Task<T> ReadAsync<T>(Stream input, JsonTypeInfo<T> type) =>
        await JsonSerializer.DeserializeAsync(input, type).ConfigureAwait(false)
            ?? throw new InvalidDataException($"The {typeof(T).Name} event was null.");

    /// <summary>A stream positioned at its start: the runtime reads the response from wherever the stream stands.</summary>
    public static async Task<Stream> WriteAsync<T>(T value, JsonTypeInfo<T> type)
    {
        var output = new MemoryStream();
        await JsonSerializer.SerializeAsync(output, value, type).ConfigureAwait(false);
        output.Position = 0;
        return output;
    }
}
