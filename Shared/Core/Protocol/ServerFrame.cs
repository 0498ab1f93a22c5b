using System.Text.Json.Serialization;

namespace Conduit.Core.Protocol;

/// <summary>
/// A server → client frame. Serialized through <see cref="ServerFrame"/> so the JSON carries its <c>type</c>.
/// Frames that belong to a session's stream carry <c>seq</c>: per session, from 1, rising by exactly 1.
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "type")]
[JsonDerivedType(typeof(AckFrame), "ack")]
[JsonDerivedType(typeof(StatusFrame), "status")]
[JsonDerivedType(typeof(TokenFrame), "token")]
[JsonDerivedType(typeof(SourcesFrame), "sources")]
[JsonDerivedType(typeof(DoneFrame), "done")]
[JsonDerivedType(typeof(ErrorFrame), "error")]
[JsonDerivedType(typeof(PongFrame), "pong")]
[JsonDerivedType(typeof(ResumedFrame), "resumed")]
[JsonDerivedType(typeof(HistoryFrame), "history")]
[JsonDerivedType(typeof(SessionsFrame), "sessions")]
[JsonDerivedType(typeof(SessionRenamedFrame), "sessionRenamed")]
[JsonDerivedType(typeof(SessionDeletedFrame), "sessionDeleted")]
public abstract record ServerFrame;
