using System.Diagnostics;
using System.Text.Json;

namespace Conduit.Tests.Support;

/// <summary>A frame as <see cref="ChatConnection"/> received it, and the <see cref="Stopwatch"/> timestamp of its last byte.</summary>
public sealed record ReceivedFrame(JsonElement Frame, long ReceivedAt);
