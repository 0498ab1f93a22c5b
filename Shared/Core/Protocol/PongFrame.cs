using System.Text.Json;
using System.Text.Json.Serialization;

namespace Conduit.Core.Protocol;

public sealed record PongFrame : ServerFrame;
