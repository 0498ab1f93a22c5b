// The conversation of one session as data: its turns, in order, each with its question, its answer state
// (built from the session's frames by protocol.applyTurnFrame) and what this page has done with it.
// The live view and a rebuilt one (resume from 0) go through the same code, so they cannot differ.

import { applyTurnFrame, emptyAnswer, isIdentifier, seqRange, stopReasonText } from './protocol.js';

/** 'running', 'done', 'stopped', 'failed', or 'unanswered' (history holds the question only). */
export function turnState(turn) {
  if (turn.error) return 'failed';
  if (turn.stopReason === 'cancelled' || turn.stoppedLocally) return 'stopped';
  if (turn.stopReason) return 'done';
  return turn.origin === 'history' ? 'unanswered' : 'running';
}

/** The turn's status line: the current phase's message while it runs, then how it ended. */
export function turnStatusText(turn) {
  switch (turnState(turn)) {
    case 'failed':
      return 'failed';
    case 'stopped':
      return 'stopped';
    case 'done':
      return stopReasonText(turn.stopReason);
    case 'unanswered':
      return 'no answer saved';
    default:
      if (turn.cancelRequested) return 'Stopping…';
      return turn.statusMessage || (turn.acked ? 'Queued' : 'Sending…');
  }
}


export class Conversation {
  #turns = new Map();
  #created = 0;
  #questionFor;

  /** @param {(requestId: string) => string | null} questionFor a question this browser remembers */
  constructor(questionFor) {
    this.#questionFor = questionFor;
  }

  reset() {
    this.#turns.clear();
  }

  get(requestId) {
    return this.#turns.get(requestId) ?? null;
  }

  get size() {
    return this.#turns.size;
  }

  /** The turns in conversation order: history-only turns, then by first seq, then sent and not yet seen. */
  list() {
    const key = (t) => (t.firstSeq !== null ? [1, t.firstSeq] : t.origin === 'history' ? [0, t.historyIndex] : [2, t.created]);
    return [...this.#turns.values()].sort((a, b) => {
      const [ga, na] = key(a);
      const [gb, nb] = key(b);
      return ga - gb || na - nb;
    });
  }

  /** The turn that follows this one in order, or null when it is the last. */
  nextAfter(turn) {
    const turns = this.list();
    return turns[turns.indexOf(turn) + 1] ?? null;
  }

  get busy() {
    return [...this.#turns.values()].some((t) => turnState(t) === 'running');
  }

  #create(requestId, fields) {
    const turn = {
      requestId,
      question: null, // null until known
      origin: 'remote', // 'local': sent here; 'remote': learnt from frames; 'history': known from history only
      created: this.#created++,
      firstSeq: null,
      historyIndex: null,
      seenLive: false, // first seen as a live frame rather than in a replay
      ...emptyAnswer(),
      acked: false,
      sentEpoch: -1, // the socket the sendMessage went out on
      cancelRequested: false,
      cancelEpoch: -1,
      stoppedLocally: false, // stopped before it ever left the page
      retrying: false, // sent again after a retryable error, and not yet acknowledged
      historyAsked: 0,
      ...fields,
    };
    this.#turns.set(requestId, turn);
    return turn;
  }

  /** A message the user just sent from this page. */
  addLocal(requestId, question) {
    return this.#create(requestId, { question, origin: 'local', seenLive: true });
  }

  /**
   * Applies a session frame (already deduplicated and in seq order) to its turn, creating the turn when
   * this is the first frame of a message sent elsewhere. Returns { turn, moved } or null for frames that
   * belong to no turn.
   */
  applyFrame(frame, replayed) {
    if (!isIdentifier(frame.requestId)) return null;
    let turn = this.get(frame.requestId);
    if (!turn) {
      turn = this.#create(frame.requestId, { question: this.#questionFor(frame.requestId), seenLive: !replayed });
    } else if (turn.origin === 'history' && turn.firstSeq === null) {
      // History answered before the frames arrived: from here the frames tell the story, from the start.
      Object.assign(turn, emptyAnswer(), { origin: 'remote' });
    }
    const moved = turn.firstSeq === null;
    if (moved) turn.firstSeq = seqRange(frame)[0];
    turn.acked = true;
    applyTurnFrame(turn, frame);
    return { turn, moved };
  }

  /** Takes questions (and, for turns no frame told of, answers) from history messages; returns the turns changed. */
  applyHistory(messages) {
    const changed = new Set();
    for (const message of Array.isArray(messages) ? messages : []) {
      if (!message || !isIdentifier(message.requestId) || typeof message.text !== 'string') continue;
      let turn = this.get(message.requestId);
      if (!turn) {
        turn = this.#create(message.requestId, {
          origin: 'history',
          historyIndex: Number.isFinite(message.index) ? message.index : 0,
        });
      }
      // A message too large for one page comes in pieces; a piece with textOffset continues the text read so far.
      const offset = Number.isSafeInteger(message.textOffset) ? message.textOffset : 0;
      if (message.role === 'user' && (turn.question === null || (offset > 0 && turn.question.length === offset))) {
        turn.question = offset > 0 ? turn.question + message.text : message.text;
        changed.add(turn);
      } else if (message.role === 'assistant' && turn.origin === 'history' && (offset === 0 || turn.text.length === offset)) {
        turn.text = offset > 0 ? turn.text + message.text : message.text;
        turn.stopReason = message.status === 'cancelled' ? 'cancelled' : 'end_turn';
        changed.add(turn);
      }
    }
    return [...changed];
  }
}
