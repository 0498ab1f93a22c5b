using System.Text.Json.Serialization;
using Conduit.Core.Protocol;

namespace Conduit.Core.Contracts;

public sealed record PassageRecord(string Source, string Title, string Text, double Score);
