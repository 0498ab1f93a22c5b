using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Conduit.Aws.Lambda;

/// <summary>Reading an event and writing a result as the Stream handlers' contract with the Lambda runtime wants.</summary>
public static class LambdaJson
{
    /// <summary>
    /// The event, or <see cref="MalformedEventException"/> saying what is wrong with it: not JSON, not the documented
    /// shape (a required field missing, a field of the wrong type), or null.
    /// </summary>
    public static async Task<T> ReadEventAsync<T>(Stream input, JsonTypeInfo<T> type, CancellationToken cancellationToken)
    {
        try
        {
            return await JsonSerializer.DeserializeAsync(input, type, cancellationToken).ConfigureAwait(false)
                ?? throw new MalformedEventException($"The {typeof(T).Name} event was null.");
        }
        catch (JsonException exception)
        {
            throw new MalformedEventException($"The {typeof(T).Name} event is malformed: {exception.Message}", exception);
        }
    }

    /// <summary>A stream positioned at its start: the runtime reads the response from wherever the stream stands.</summary>
    public static async Task<Stream> WriteAsync<T>(T value, JsonTypeInfo<T> type)
    {
        var output = new MemoryStream();
        await JsonSerializer.SerializeAsync(output, value, type).ConfigureAwait(false);
        output.Position = 0;
        return output;
    }
}
