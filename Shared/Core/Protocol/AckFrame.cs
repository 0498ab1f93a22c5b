using System.Text.Json;
using System.Text.Json.Serialization;

namespace Conduit.Core.Protocol;

public sealed record AckFrame(string RequestId, string SessionId) : ServerFrame;
