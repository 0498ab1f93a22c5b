// What the page keeps between visits, in localStorage: settings, the local development user id, the
// current session id (also in the URL as #session=<id>, so a link or a reload restores it), and the text of
// recently sent questions (so another tab of this browser, or a reload, shows a question before history has it).

import { isIdentifier } from './protocol.js';

const KEY = 'conduit.chat.v1';
const QUESTIONS_KEY = 'conduit.chat.v1.questions';
const MAX_QUESTIONS = 50;

/** localStorage, or a Map-backed stand-in where storage is unavailable (blocked, private mode). */
function storage() {
  try {
    const probe = `${KEY}.probe`;
    localStorage.setItem(probe, probe);
    localStorage.removeItem(probe);
    return localStorage;
  } catch {
    const memory = new Map();
    return { getItem: (k) => memory.get(k) ?? null, setItem: (k, v) => memory.set(k, String(v)) };
  }
}

function guestId() {
  const bytes = crypto.getRandomValues(new Uint8Array(4));
  return `guest-${Array.from(bytes, (b) => (b % 36).toString(36)).join('')}`;
}

/** The WebSocket URL of the host that served the page: ws(s)://<host>/local. */
export const defaultSocketUrl = () => `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/local`;

function sessionFromHash() {
  const id = new URLSearchParams(location.hash.slice(1)).get('session');
  return isIdentifier(id) ? id : null;
}

export function createStore() {
  const backing = storage();

  const readKey = (key) => {
    try {
      const value = JSON.parse(backing.getItem(key) ?? '{}');
      return value && typeof value === 'object' && !Array.isArray(value) ? value : {};
    } catch {
      return {};
    }
  };
  const writeKey = (key, value) => {
    try {
      backing.setItem(key, JSON.stringify(value));
    } catch {
      // Quota exceeded: the page keeps working, it only forgets across reloads.
    }
  };
  const read = () => readKey(KEY);
  const write = (change) => writeKey(KEY, { ...read(), ...change });

  const showSessionInUrl = (id) => {
    const url = new URL(location.href);
    url.hash = id ? `session=${id}` : '';
    history.replaceState(history.state, '', url);
  };

  if (!isIdentifier(read().userId)) write({ userId: guestId() });

  return {
    /** { socketUrl, auth: 'dev' | 'token', userId, token }; socketUrl '' means the default. */
    settings() {
      const saved = read();
      return {
        socketUrl: typeof saved.socketUrl === 'string' ? saved.socketUrl : '',
        auth: saved.auth === 'token' ? 'token' : 'dev',
        userId: isIdentifier(saved.userId) ? saved.userId : 'guest',
        token: typeof saved.token === 'string' ? saved.token : '',
      };
    },
    saveSettings({ socketUrl, auth, userId, token }) {
      write({ socketUrl, auth, userId, token });
    },
    socketUrl() {
      return this.settings().socketUrl || defaultSocketUrl();
    },

    /** The session to open: the URL's, else the last one used here. */
    initialSession() {
      const id = sessionFromHash() ?? (isIdentifier(read().sessionId) ? read().sessionId : null);
      showSessionInUrl(id);
      return id;
    },
    sessionFromHash,
    setSession(id) {
      write({ sessionId: id });
      showSessionInUrl(id);
    },

    rememberQuestion(requestId, text) {
      const questions = Object.entries(readKey(QUESTIONS_KEY)).slice(-(MAX_QUESTIONS - 1));
      questions.push([requestId, text]);
      writeKey(QUESTIONS_KEY, Object.fromEntries(questions));
    },
    question(requestId) {
      const text = readKey(QUESTIONS_KEY)[requestId];
      return typeof text === 'string' ? text : null;
    },
  };
}
