// The Conduit client protocol, version 1 (docs/protocol.md): frames the page sends, parsing what it
// receives, seq coverage, and the rule that turns a turn's frames into its answer. No DOM, no socket.

/** The first of the two WebSocket subprotocols; the second is the token (docs/security.md). */
export const SUBPROTOCOL = 'conduit.v1';

/**
 * API Gateway closes the socket (1009) on a frame over 32 KB, and a browser sends each message as one frame;
 * stay clear of it.
 */
export const MAX_CLIENT_MESSAGE_BYTES = 32 * 1024;

/** The server's longest message text (ProtocolLimits.DefaultMaxTextLength), in characters (Unicode code points). */
export const MAX_TEXT_CHARACTERS = 16_000;

/**
 * A message's size against both limits: its characters against the server's, and its sendMessage frame's UTF-8
 * bytes (escapes included, as JSON.stringify writes them) against the frame limit. The page checks both before
 * sending, so a message is never refused after it has left the composer.
 */
export function messageSize(text) {
  const frame = JSON.stringify(request.sendMessage('00000000-0000-4000-8000-000000000000', text, 'x'.repeat(80)));
  return {
    characters: [...text].length,
    bytes: new TextEncoder().encode(frame).length,
    maxCharacters: MAX_TEXT_CHARACTERS,
    maxBytes: MAX_CLIENT_MESSAGE_BYTES,
  };
}

/** One history page asks for at most this many messages (and frames); the protocol allows 1 to 500. */
export const HISTORY_PAGE = 500;

const IDENTIFIER = /^[A-Za-z0-9_-]{1,80}$/;

/** Request ids, session ids and user ids are identifiers: 1 to 80 of A-Z a-z 0-9 - _. */
export const isIdentifier = (value) => typeof value === 'string' && IDENTIFIER.test(value);

/** A new requestId: a UUID (only hex digits and dashes). */
export function newRequestId() {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  // randomUUID exists only in secure contexts (https, localhost); build a version-4 UUID otherwise.
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** Client → server frames. */
export const request = {
  sendMessage: (requestId, text, sessionId) =>
    sessionId ? { action: 'sendMessage', requestId, sessionId, text } : { action: 'sendMessage', requestId, text },
  resume: (sessionId, afterSeq) => ({ action: 'resume', sessionId, afterSeq }),
  cancel: (requestId) => ({ action: 'cancel', requestId }),
  history: (sessionId, afterSeq, afterIndex, textOffset) =>
    ({ action: 'history', sessionId, afterSeq, afterIndex, textOffset, limit: HISTORY_PAGE }),
  ping: () => ({ action: 'ping' }),
  listSessions: (cursor) => (cursor ? { action: 'listSessions', cursor } : { action: 'listSessions' }),
  renameSession: (sessionId, title) => ({ action: 'renameSession', sessionId, title }),
  deleteSession: (sessionId) => ({ action: 'deleteSession', sessionId }),
};

/** A server message as a frame object, or null when it is not a JSON object with a string `type`. */
export function parseFrame(data) {
  if (typeof data !== 'string') return null;
  let frame;
  try {
    frame = JSON.parse(data);
  } catch {
    return null;
  }
  return frame !== null && typeof frame === 'object' && !Array.isArray(frame) && typeof frame.type === 'string'
    ? frame
    : null;
}

const isSeq = (value) => Number.isSafeInteger(value) && value >= 1;

/**
 * The seqs a frame stands for, as [first, last], or null for frames outside the session stream (ack, pong,
 * protocol errors). A replayed token frame may join several: it carries firstSeq and covers firstSeq..seq.
 */
export function seqRange(frame) {
  if (!isSeq(frame.seq)) return null;
  const first = frame.type === 'token' && isSeq(frame.firstSeq) && frame.firstSeq <= frame.seq ? frame.firstSeq : frame.seq;
  return [first, frame.seq];
}

/**
 * Where a frame's coverage falls against the gap-free prefix 1..lastSeq already applied:
 * 'duplicate' (all seen), 'next' (continues it exactly), 'gap' (frames were missed) or
 * 'overlap' (a joined frame straddles lastSeq; it cannot be split, so it must be replayed).
 */
export function classifySeq(lastSeq, [first, last]) {
  if (last <= lastSeq) return 'duplicate';
  if (first === lastSeq + 1) return 'next';
  return first > lastSeq + 1 ? 'gap' : 'overlap';
}

const text = (value) => (typeof value === 'string' ? value : '');

/** The answer-related part of a turn, before any frame. */
export const emptyAnswer = () => ({
  phase: null,
  statusMessage: '',
  text: '',
  sources: [],
  stopReason: null,
  model: null,
  error: null,
  execution: null, // the workflow execution of the latest attempt, named by its queued status
});

function passages(list) {
  if (!Array.isArray(list)) return [];
  return list
    .filter((p) => p && typeof p === 'object' && (typeof p.source === 'string' || typeof p.title === 'string'))
    .map((p) => ({
      source: text(p.source),
      title: text(p.title),
      score: Number.isFinite(p.score) ? p.score : null,
      text: typeof p.text === 'string' ? p.text : null, // the passage the model was given, when the frame had room
    }));
}

/** An error frame's fields, normalised. */
export const errorOf = (frame) => ({
  code: text(frame.code) || 'error',
  message: text(frame.message),
  retryable: frame.retryable === true,
  requestId: text(frame.requestId),
  retryAfterMs: Number.isFinite(frame.retryAfterMs) ? frame.retryAfterMs : null,
});

/**
 * Applies one of a turn's frames, taken in seq order, to its answer state; returns whether anything changed.
 * The answer text is the turn's token text after its latest `streaming` status: a new `streaming` status
 * (the answer started again) drops the text begun before it. A `queued` status starts an attempt: after a
 * retryable error the same requestId runs again, and the new attempt replaces everything the last one showed.
 */
export function applyTurnFrame(answer, frame) {
  switch (frame.type) {
    case 'status':
      if (frame.phase === 'queued') Object.assign(answer, emptyAnswer(), { execution: text(frame.execution) || null });
      // A turn error ends an attempt, so a status after one belongs to the next attempt, whichever came first.
      answer.error = null;
      answer.phase = text(frame.phase) || answer.phase;
      answer.statusMessage = text(frame.message);
      if (frame.phase === 'streaming') answer.text = '';
      return true;
    case 'token':
      if (typeof frame.text !== 'string' || frame.text === '') return false;
      answer.text += frame.text;
      return true;
    case 'sources': {
      const found = passages(frame.passages);
      for (const passage of found) {
        const same = answer.sources.find((s) => s.source === passage.source && s.title === passage.title);
        if (!same) answer.sources.push(passage);
        else {
          if ((passage.score ?? -Infinity) > (same.score ?? -Infinity)) same.score = passage.score;
          same.text ??= passage.text;
        }
      }
      return found.length > 0;
    }
    case 'done':
      answer.stopReason = text(frame.stopReason) || 'end_turn';
      answer.model = text(frame.model) || null;
      return true;
    case 'error':
      // A frame too large to deliver was replaced by this one; the turn goes on, and history has its whole answer.
      if (frame.code === 'frame_too_large') return false;
      answer.error = errorOf(frame);
      return true;
    default:
      return false;
  }
}

/** What a turn-status line says once a turn has ended: "done", "stopped", or "done (max tokens)". */
export function stopReasonText(stopReason) {
  if (stopReason === 'end_turn') return 'done';
  if (stopReason === 'cancelled') return 'stopped';
  return `done (${stopReason.replaceAll('_', ' ')})`;
}
