// The bearer token the executions API needs. The trace page signs in as the chat page does: the token pasted in
// the chat page's Settings, or else a development token for the chat page's user id. In development an operator's
// token (every user's executions) can be asked for instead; the choice is kept for this browser.

const CHAT_KEY = 'conduit.chat.v1';
const TRACE_KEY = 'conduit.trace.v1';
const STAGE = 'local';

/** The host refused the token (401) or the token could not be had: a sign-in problem, not a missing execution. */
export class AuthError extends Error {
  constructor(message) {
    super(message);
    this.name = 'AuthError';
  }
}

function readJson(key) {
  try {
    const value = JSON.parse(localStorage.getItem(key) ?? '{}');
    return value && typeof value === 'object' && !Array.isArray(value) ? value : {};
  } catch {
    return {};
  }
}

function chatSettings() {
  const saved = readJson(CHAT_KEY);
  return {
    pasted: saved.auth === 'token' && typeof saved.token === 'string' ? saved.token.trim() : null,
    userId: typeof saved.userId === 'string' && /^[A-Za-z0-9_-]{1,80}$/.test(saved.userId) ? saved.userId : 'guest',
  };
}

/** Whether a development operator token can be asked for: only when the chat page does not use a pasted token. */
export const canAskForOperator = () => chatSettings().pasted === null;

export function operatorView() {
  return canAskForOperator() && readJson(TRACE_KEY).operator === true;
}

export function setOperatorView(on) {
  try {
    localStorage.setItem(TRACE_KEY, JSON.stringify({ ...readJson(TRACE_KEY), operator: Boolean(on) }));
  } catch {
    // Storage blocked: the choice lasts until the page is closed.
  }
  cached = null;
}

/** Who the page signs in as, for the toolbar. */
export function signedInAs() {
  const { pasted, userId } = chatSettings();
  if (pasted !== null) return 'the token in the chat page’s Settings';
  return operatorView() ? `operator “${userId}” (every user’s executions)` : `“${userId}” (your own executions)`;
}

let cached = null;

/** A token for the next request; `fresh` forgets the one held (after the host refused it). */
export async function bearerToken({ fresh = false } = {}) {
  if (fresh) cached = null;
  cached ??= fetchToken().catch((error) => {
    cached = null;
    throw error;
  });
  return cached;
}

async function fetchToken() {
  const { pasted, userId } = chatSettings();
  if (pasted !== null) {
    if (!pasted) throw new AuthError('No token: the chat page is set to use a pasted token, and none is pasted in its Settings.');
    return pasted;
  }
  const operator = operatorView() ? '&operator=true' : '';
  let response;
  try {
    response = await fetch(`/${STAGE}/dev/token?user=${encodeURIComponent(userId)}${operator}`, { cache: 'no-store' });
  } catch {
    throw new AuthError('Could not reach this host for a development token. Is the local stack running?');
  }
  const body = await response.json().catch(() => null);
  if (!response.ok || typeof body?.token !== 'string') {
    throw new AuthError(
      `This host gives no development token (HTTP ${response.status}): it checks real tokens. `
      + 'Paste yours in the chat page’s Settings, then reload.');
  }
  return body.token;
}
