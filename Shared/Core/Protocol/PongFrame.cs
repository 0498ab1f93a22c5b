namespace Conduit.Core.Protocol;

public sealed record PongFrame : ServerFrame;
