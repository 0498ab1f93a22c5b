namespace Conduit.Local.Gateway;

public enum PostOutcome
{
    Delivered,
    Gone,
    TooLarge,
}
