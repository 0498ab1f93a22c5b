// One WebSocket that follows one session and never loses or doubles a frame of it.
//
// - Connects with the subprotocols ["conduit.v1", token]; on any close it reconnects after 1 s, doubling
//   to at most 30 s, and at once when the browser comes back online or the tab becomes visible again.
// - On every (re)connect it resumes the session from the last seq applied, and it applies a session frame
//   only when its coverage (firstSeq..seq) continues that gap-free prefix exactly: repeats are dropped,
//   and a gap or a straddling frame triggers a resume from what it has. So the frames handed on are the
//   session's stream, each seq once, in order, whatever drops, refreshes or sleeps happened.
// - A liveness probe (ping, expect any message within 10 s) runs every 15 s and whenever the tab wakes up, so a
//   socket that died silently (a laptop sleep, a dropped route) is noticed within 25 s and replaced.

import { SUBPROTOCOL, classifySeq, parseFrame, request, seqRange } from './protocol.js';

const FIRST_DELAY_MS = 1000;
const MAX_DELAY_MS = 30_000;
const HEARTBEAT_MS = 15_000;
const PROBE_TIMEOUT_MS = 10_000;

/**
 * @param {object} options
 * @param {() => string} options.url the WebSocket URL
 * @param {() => Promise<string>} options.token a token for the next connection (may reject)
 * @param {(frame: object, replayed: boolean) => void} options.onSessionFrame the next frame of the session's stream
 * @param {(frame: object) => void} options.onReply a frame outside the stream: ack, history, a protocol error, or unknown
 * @param {(state: string, detail: string) => void} options.onState 'connecting' | 'connected' | 'reconnecting' | 'offline'
 * @param {() => void} options.onReady the socket is open and caught up with the session
 * @param {(sessionId: string) => void} options.onSession the session was learnt from a frame of a turn this page started
 * @param {(error: object) => void} options.onResumeFailed resume was refused (session_not_found, forbidden, seq_out_of_range)
 * @param {(requestId: string) => boolean} options.ownsNewTurn whether a turn sent without a session is this page's
 */
export class Connection {
  #options;
  #socket = null;
  #epoch = 0;
  #failures = 0;
  #everReady = false;
  #resuming = false;
  #retryTimer = 0;
  #heartbeatTimer = 0;
  #probeTimer = 0;
  #started = false;

  /** The session followed, or null before the first message of a new chat. */
  sessionId = null;
  /** The highest seq of the gap-free prefix of the session's frames handed on so far. */
  lastSeq = 0;

  constructor(options) {
    this.#options = options;
  }

  /** Increases with every socket, so callers can tell whether they already sent something on this one. */
  get epoch() {
    return this.#epoch;
  }

  /** Open and caught up: frames sent now are answered on this socket. */
  get ready() {
    return this.#isOpen() && !this.#resuming;
  }

  start() {
    if (this.#started) return;
    this.#started = true;
    addEventListener('online', () => this.#wake());
    document.addEventListener('visibilitychange', () => {
      if (document.visibilityState === 'visible') this.#wake();
    });
    this.#connect();
  }

  /** Follows a session from its first frame (null: none, until a new chat's first answer names one). */
  follow(sessionId) {
    const wasResuming = this.#resuming;
    this.sessionId = sessionId;
    this.lastSeq = 0;
    this.#resuming = false;
    if (!this.#isOpen()) return;
    if (sessionId) this.#resume();
    else if (wasResuming) this.#caughtUp();
  }

  /** Follows the session a new chat's first message created; this socket is already subscribed to it. */
  adopt(sessionId) {
    if (this.sessionId === sessionId) return;
    this.sessionId = sessionId;
    this.lastSeq = 0;
  }

  /** Sends a frame if the socket is open; returns whether it was sent. */
  send(frame) {
    if (!this.#isOpen()) return false;
    this.#socket.send(JSON.stringify(frame));
    return true;
  }

  /** Closes the socket and connects again at once (after the settings changed). */
  restart() {
    this.#discard();
    this.#failures = 0;
    this.#connect();
  }

  /** Skips the wait before the next try: connects at once unless a socket is open or opening. */
  reconnectNow() {
    if (this.#socket && this.#isOpen()) return;
    if (this.#socket?.readyState === WebSocket.CONNECTING) return;
    this.#failures = 0;
    this.#connect();
  }

  /** Closes the socket as a network drop would: the page notices, reconnects with backoff and resumes. */
  drop() {
    if (this.#socket) this.#lost();
  }

  #isOpen() {
    return this.#socket?.readyState === WebSocket.OPEN;
  }

  #state(state, detail = '') {
    this.#options.onState(state, detail);
  }

  async #connect() {
    clearTimeout(this.#retryTimer);
    const epoch = ++this.#epoch;
    this.#state(this.#everReady ? 'reconnecting' : 'connecting');
    let socket;
    try {
      const token = (await this.#options.token()).trim();
      if (epoch !== this.#epoch) return;
      socket = new WebSocket(this.#options.url(), [SUBPROTOCOL, token]);
    } catch (error) {
      if (epoch === this.#epoch) this.#retry(error instanceof Error ? error.message : String(error));
      return;
    }
    this.#socket = socket;
    let opened = false;
    socket.onopen = () => {
      opened = true;
      this.#opened();
    };
    socket.onmessage = (event) => this.#receive(event.data);
    socket.onclose = () => this.#lost(opened ? 'the connection closed' : 'the server could not be reached; check Settings');
  }

  #opened() {
    this.#heartbeatTimer = setInterval(() => this.#probe(), HEARTBEAT_MS);
    if (this.sessionId) this.#resume();
    else this.#caughtUp();
  }

  #resume() {
    this.#resuming = true;
    this.send(request.resume(this.sessionId, this.lastSeq));
  }

  #caughtUp() {
    this.#resuming = false;
    this.#failures = 0;
    this.#everReady = true;
    this.#state('connected');
    this.#options.onReady();
  }

  #receive(data) {
    clearTimeout(this.#probeTimer);
    this.#probeTimer = 0;
    const frame = parseFrame(data);
    if (!frame) return; // not a frame of this protocol: ignored
    if (frame.type === 'pong') return;
    if (frame.type === 'resumed') {
      if (this.#resuming && frame.sessionId === this.sessionId) this.#caughtUp();
      return;
    }
    const range = seqRange(frame);
    if (range === null || typeof frame.sessionId !== 'string') {
      if (frame.type === 'error' && this.#resuming && !frame.requestId) this.#resumeRefused(frame);
      else this.#options.onReply(frame);
      return;
    }
    if (frame.sessionId !== this.sessionId) {
      // Frames of a session this socket followed before "New chat" still come; only the first frames of a
      // new chat's first turn (they can beat its ack) name the session this page is about to follow.
      if (this.sessionId !== null || !this.#options.ownsNewTurn(frame.requestId)) return;
      this.adopt(frame.sessionId);
      this.#options.onSession(frame.sessionId);
    }
    switch (classifySeq(this.lastSeq, range)) {
      case 'duplicate':
        return;
      case 'next':
        this.lastSeq = range[1];
        this.#options.onSessionFrame(frame, this.#resuming);
        return;
      default:
        if (!this.#resuming) this.#resume(); // missed frames: replay from what was applied
    }
  }

  #resumeRefused(frame) {
    this.#resuming = false;
    if (['session_not_found', 'forbidden', 'seq_out_of_range'].includes(frame.code)) {
      this.#options.onResumeFailed(frame);
      if (!this.#resuming) this.#caughtUp();
    } else {
      this.#lost(); // a transient failure: try again on a new socket, with backoff
    }
  }

  /** Asks for a sign of life; a socket that gives none in time is treated as dropped. */
  #probe() {
    if (!this.#isOpen() || this.#probeTimer) return;
    this.send(request.ping());
    this.#probeTimer = setTimeout(() => this.#lost('the server stopped answering'), PROBE_TIMEOUT_MS);
  }

  #wake() {
    if (this.#isOpen()) {
      this.#probe();
    } else if (this.#retryTimer) {
      this.#failures = 0;
      this.#connect();
    }
  }

  #discard() {
    clearTimeout(this.#retryTimer);
    clearInterval(this.#heartbeatTimer);
    clearTimeout(this.#probeTimer);
    this.#retryTimer = this.#heartbeatTimer = this.#probeTimer = 0;
    this.#resuming = false;
    const socket = this.#socket;
    this.#socket = null;
    if (!socket) return;
    socket.onopen = socket.onmessage = socket.onclose = null;
    if (socket.readyState === WebSocket.CONNECTING || socket.readyState === WebSocket.OPEN) socket.close(4000, 'reconnecting');
  }

  #lost(reason = '') {
    this.#discard();
    this.#epoch++; // anything still in flight for the old socket is void
    this.#retry(reason);
  }

  #retry(reason) {
    const delay = Math.min(MAX_DELAY_MS, FIRST_DELAY_MS * 2 ** this.#failures);
    this.#failures++;
    const offline = navigator.onLine === false;
    const detail = [reason, offline ? 'waiting for the network' : `trying again in ${Math.round(delay / 1000)} s`]
      .filter(Boolean)
      .join('; ');
    this.#state(offline ? 'offline' : this.#everReady ? 'reconnecting' : 'connecting', detail);
    this.#retryTimer = setTimeout(() => {
      this.#retryTimer = 0;
      this.#connect();
    }, delay);
  }
}
