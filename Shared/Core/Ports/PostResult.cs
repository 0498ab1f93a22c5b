namespace Conduit.Core.Ports;

/// <summary>
/// What a post to a connection came to. The sender answers every outcome it can name this way, so delivery never
/// has to know an adapter's exception types; <see cref="Error"/> says why a post failed, for the log.
/// </summary>
public readonly record struct PostResult(PostStatus Status, Exception? Error = null)
{
    public static PostResult Delivered { get; } = new(PostStatus.Delivered);

    public static PostResult Gone { get; } = new(PostStatus.Gone);

    public static PostResult Failed(Exception error) => new(PostStatus.Failed, error);

    public static PostResult TooLarge(Exception error) => new(PostStatus.TooLarge, error);
}
