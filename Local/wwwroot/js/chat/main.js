// The chat page: wires settings and storage, the connection, the conversation and the view together.
//
// Sending: a message becomes a turn at once and goes out when the socket is caught up; until its ack (or a
// first frame) it is sent again with the same requestId after every reconnect, which the server answers
// with the same ack and runs once. A new chat's later messages wait for the first one's session.
// Rebuilding: the connection resumes the session (from 0 after a load); the frames build every turn
// exactly as live, and history pages supply the questions, which are not frames.

import { Connection } from './connection.js';
import { Conversation, turnState } from './conversation.js';
import { MAX_CLIENT_MESSAGE_BYTES, errorOf, isIdentifier, messageSize, newRequestId, request } from './protocol.js';
import { createStore, defaultSocketUrl } from './store.js';
import { createView } from './view.js';
import { errorSentence } from './errors.js';

/** Phases before the question is in history: asking for it then would find nothing yet. */
const EARLY_PHASES = new Set(['queued', 'building_prompt']);

const store = createStore();
const conversation = new Conversation((requestId) => store.question(requestId));
/** The history pages being read: one request at a time, continuing from where the last page ended. */
const historyRead = { pending: false, again: false, afterIndex: 0, afterSeq: 0, textOffset: 0 };

/** The conversation list as last listed, newest first, and where the next page starts (null: no more). */
const sessions = { list: [], next: null, asked: null, deletedHere: new Set() };

const view = createView({
  send,
  stop,
  newChat: () => openSession(null),
  retry,
  regenerate(requestId) {
    const question = conversation.get(requestId)?.question;
    if (question) send(question);
  },
  reconnectNow: () => connection.reconnectNow(),
  openSession(sessionId) {
    if (sessionId !== connection.sessionId) openSession(sessionId);
  },
  renameSession: (sessionId, title) => {
    if (!connection.send(request.renameSession(sessionId, title))) view.showBanner('Not connected: the new title was not saved.');
  },
  deleteSession: (sessionId) => {
    sessions.deletedHere.add(sessionId);
    if (!connection.send(request.deleteSession(sessionId))) view.showBanner('Not connected: the conversation was not deleted.');
  },
  moreSessions: () => listSessions(sessions.next),
  redrawSessions,
  settings: () => store.settings(),
  saveSettings(settings) {
    store.saveSettings(settings);
    connection.restart();
  },
  defaultSocketUrl,
});

const connection = new Connection({
  url: () => store.socketUrl(),
  token: fetchToken,
  onState: (state, detail) => view.setConnection(state, detail),
  onReady() {
    historyRead.pending = false; // a request on the old socket will not be answered
    flush();
    readHistory();
    listSessions(null); // what changed while this page was away (another device renamed or deleted one)
  },
  onSessionFrame,
  onReply,
  onSession(sessionId) {
    adoptedSession(sessionId);
    flush();
  },
  onResumeFailed,
  ownsNewTurn: (requestId) => conversation.get(requestId)?.origin === 'local',
});

async function fetchToken() {
  const settings = store.settings();
  if (settings.auth === 'token') {
    if (!settings.token) throw new Error('no token: paste one in Settings');
    return settings.token;
  }
  let response;
  try {
    response = await fetch(`/local/dev/token?user=${encodeURIComponent(settings.userId)}`, { cache: 'no-store' });
  } catch {
    throw new Error('could not reach this host for a development token');
  }
  const body = response.ok ? await response.json().catch(() => null) : null;
  if (typeof body?.token !== 'string') throw new Error(`no development token (HTTP ${response.status})`);
  return body.token;
}

function render(turn, moved = false) {
  view.renderTurn(turn, moved ? conversation.nextAfter(turn) : undefined);
  view.setBusy(conversation.busy);
}

/** Shows another session (null: a new chat, created by its first message) and catches up with it. */
function openSession(sessionId) {
  conversation.reset();
  Object.assign(historyRead, { pending: false, again: false, afterIndex: 0, afterSeq: 0, textOffset: 0 });
  view.clearTurns();
  view.setBusy(false);
  store.setSession(sessionId);
  connection.follow(sessionId);
  redrawSessions();
}

function send(text) {
  if (!text.trim()) return false;
  const size = messageSize(text);
  if (size.characters > size.maxCharacters || size.bytes > size.maxBytes) return false;
  const requestId = newRequestId();
  store.rememberQuestion(requestId, text);
  render(conversation.addLocal(requestId, text), true);
  view.scrollToEnd();
  flush();
  return true;
}

/** Sends what waits for the socket: unacknowledged messages, then cancels not yet sent on this socket. */
function flush() {
  if (!connection.ready) return;
  const epoch = connection.epoch;
  let waitForSession = false;
  for (const turn of conversation.list()) {
    if (turnState(turn) !== 'running') continue;
    if ((turn.origin === 'local' || turn.retrying) && !turn.acked) {
      if (turn.sentEpoch === epoch) {
        waitForSession ||= !connection.sessionId;
        continue;
      }
      if (waitForSession) continue;
      const frame = request.sendMessage(turn.requestId, turn.question, connection.sessionId);
      if (new TextEncoder().encode(JSON.stringify(frame)).length > MAX_CLIENT_MESSAGE_BYTES) {
        turn.error = { code: 'text_too_long', message: 'The message is too long to send.', retryable: false, retryAfterMs: null };
        render(turn);
        continue;
      }
      connection.send(frame);
      turn.sentEpoch = epoch;
      waitForSession = !connection.sessionId;
    } else if (turn.cancelRequested && turn.cancelEpoch !== epoch) {
      connection.send(request.cancel(turn.requestId));
      turn.cancelEpoch = epoch;
    }
  }
}

function stop() {
  for (const turn of conversation.list()) {
    if (turnState(turn) !== 'running' || turn.cancelRequested) continue;
    if (turn.origin === 'local' && turn.sentEpoch === -1) turn.stoppedLocally = true; // it never left the page
    else turn.cancelRequested = true; // sent when the turn is acknowledged; its done then says cancelled
    render(turn);
  }
  flush();
}

/**
 * A retryable error is retried with the same requestId and text: the server queues a turn that was saved but not
 * queued, and runs a turn that failed with a retryable error again as its next attempt, whose frames then replace
 * this one's. Anything else gets the old ack and changes nothing.
 */
function retry(requestId) {
  const turn = conversation.get(requestId);
  if (!turn?.error?.retryable || turn.question === null) return;
  turn.error = null;
  turn.acked = false;
  turn.retrying = true;
  turn.sentEpoch = -1;
  render(turn);
  flush();
}

function onSessionFrame(frame, replayed) {
  const applied = conversation.applyFrame(frame, replayed);
  if (!applied) return;
  const { turn, moved } = applied;
  render(turn, moved);
  if (moved || turn.cancelRequested) flush(); // acknowledged by its first frame: a cancel can go
  // A turn sent from elsewhere: its question reaches history once the prompt is built.
  const questionSaved = turnState(turn) !== 'running' || (frame.type === 'status' && !EARLY_PHASES.has(frame.phase));
  if (!replayed && turn.question === null && questionSaved && turn.historyAsked < 2) {
    turn.historyAsked++;
    readHistory();
  }
}

function onReply(frame) {
  switch (frame.type) {
    case 'ack': {
      const turn = conversation.get(frame.requestId);
      if (!turn) return;
      if (!connection.sessionId && turn.origin === 'local' && isIdentifier(frame.sessionId)) {
        connection.adopt(frame.sessionId);
        adoptedSession(frame.sessionId);
      }
      turn.acked = true;
      turn.retrying = false;
      render(turn);
      flush();
      return;
    }
    case 'history':
      onHistoryPage(frame);
      return;
    case 'sessions':
      onSessionsPage(frame);
      return;
    case 'sessionRenamed':
      for (const entry of sessions.list) if (entry.sessionId === frame.sessionId) entry.title = String(frame.title ?? '');
      redrawSessions();
      return;
    case 'sessionDeleted':
      onSessionDeleted(frame.sessionId);
      return;
    case 'error':
      onProtocolError(errorOf(frame));
      return;
    default:
      // pong, and frame types this page does not know: ignored
  }
}

function onProtocolError(error) {
  const turn = error.requestId ? conversation.get(error.requestId) : null;
  // Answers to a cancel that came too late or too early: the turn's own frames say how it ended.
  if (turn && (error.code === 'turn_finished' || error.code === 'turn_not_found')) return;
  if (turn && turnState(turn) === 'running') {
    turn.error = error;
    render(turn);
    return;
  }
  view.showBanner(errorSentence(error.code), error.requestId, error.code);
}

function onResumeFailed(frame) {
  const { code } = errorOf(frame);
  if (code === 'seq_out_of_range') {
    openSession(connection.sessionId); // the server has less than was shown: rebuild from its frames
    return;
  }
  view.showBanner(
    code === 'forbidden'
      ? 'This conversation belongs to another user, so a new chat has started.'
      : 'This conversation no longer exists (it expired, or the server lost its data), so a new chat has started.',
  );
  // Messages the server never acknowledged are not lost: they open the new chat.
  const unsent = conversation.list().filter((t) => t.origin === 'local' && !t.acked && turnState(t) === 'running');
  openSession(null);
  for (const turn of unsent) render(conversation.addLocal(turn.requestId, turn.question), true);
}

function readHistory() {
  const sessionId = connection.sessionId;
  if (!sessionId || !connection.ready) return;
  if (historyRead.pending) {
    historyRead.again = true;
    return;
  }
  historyRead.pending = true;
  // Frames come by resume; start the page's frames at the last seq applied so they stay few.
  historyRead.afterSeq = Math.max(historyRead.afterSeq, connection.lastSeq);
  connection.send(request.history(sessionId, historyRead.afterSeq, historyRead.afterIndex, historyRead.textOffset));
}

function onHistoryPage(page) {
  if (page.sessionId !== connection.sessionId || !historyRead.pending) return;
  for (const turn of conversation.applyHistory(page.messages)) render(turn, turn.firstSeq === null);
  if (Number.isSafeInteger(page.nextAfterIndex)) historyRead.afterIndex = Math.max(historyRead.afterIndex, page.nextAfterIndex);
  // A message too large for one page continues on the next, from this offset in its text.
  historyRead.textOffset = Number.isSafeInteger(page.nextTextOffset) ? page.nextTextOffset : 0;
  if (Number.isSafeInteger(page.nextAfterSeq)) historyRead.afterSeq = Math.max(historyRead.afterSeq, page.nextAfterSeq);
  historyRead.pending = false;
  if (page.more === true || historyRead.again) {
    historyRead.again = false;
    readHistory();
  }
}

function listSessions(cursor) {
  sessions.asked = cursor ?? null;
  connection.send(request.listSessions(cursor));
}

/** A first page replaces the list; a later one adds to it. */
function onSessionsPage(page) {
  const listed = (Array.isArray(page.sessions) ? page.sessions : [])
    .filter((s) => s && isIdentifier(s.sessionId))
    .map((s) => ({ sessionId: s.sessionId, title: typeof s.title === 'string' ? s.title : '' }));
  if (sessions.asked) {
    const known = new Set(sessions.list.map((s) => s.sessionId));
    sessions.list.push(...listed.filter((s) => !known.has(s.sessionId)));
  } else {
    // A session this page just made may not have its question in history yet: keep the title it was given here.
    const local = new Map(sessions.list.filter((s) => s.title).map((s) => [s.sessionId, s.title]));
    sessions.list = listed.map((s) => (s.title || !local.has(s.sessionId) ? s : { ...s, title: local.get(s.sessionId) }));
  }
  sessions.next = typeof page.nextCursor === 'string' ? page.nextCursor : null;
  redrawSessions();
}

/** Titles a session history has no question for yet with the question this page sent. */
function redrawSessions() {
  const titled = sessions.list.map((s) => {
    if (s.title || s.sessionId !== connection.sessionId) return s;
    const first = conversation.list().find((t) => t.question !== null);
    return { ...s, title: first?.question ?? '' };
  });
  view.setSessions(titled, connection.sessionId, sessions.next !== null);
}

/** A new chat's first message made its session: it heads the list from now on. */
function adoptedSession(sessionId) {
  store.setSession(sessionId);
  const title = conversation.list().find((t) => t.question !== null)?.question ?? '';
  if (!sessions.list.some((s) => s.sessionId === sessionId)) sessions.list.unshift({ sessionId, title });
  redrawSessions();
}

function onSessionDeleted(sessionId) {
  sessions.list = sessions.list.filter((s) => s.sessionId !== sessionId);
  if (sessionId === connection.sessionId) {
    if (!sessions.deletedHere.has(sessionId)) view.showBanner('This conversation was deleted on another device or tab.');
    openSession(null);
  }
  redrawSessions();
}

addEventListener('hashchange', () => {
  const sessionId = store.sessionFromHash();
  if (sessionId !== connection.sessionId) openSession(sessionId);
});

// Test hook, for browser tests only (the page's one global): the session followed, the last seq applied,
// and socketDropForTest(), which closes the socket as a network drop would, so a test can force a
// reconnect and check that the resumed conversation equals the uninterrupted one.
window.conduitChat = Object.freeze({
  sessionId: () => connection.sessionId,
  lastSeq: () => connection.lastSeq,
  socketDropForTest: () => connection.drop(),
});

connection.follow(store.initialSession());
connection.start();
