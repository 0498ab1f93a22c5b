// The two read-only endpoints of the local host, shaped like ListExecutions and DescribeExecution +
// GetExecutionHistory. Relative to the page, so the view works wherever the host serves it. Both need a bearer
// token (auth.js); a refused token is fetched once more before the page says so.

import { AuthError, bearerToken } from './auth.js';

const STAGE = 'local';

/** The execution does not exist (HTTP 404 with the ExecutionDoesNotExist error). */
export class ExecutionNotFoundError extends Error {
  constructor(name, message) {
    super(message || `Execution Does Not Exist: '${name}'`);
    this.name = 'ExecutionNotFoundError';
    this.executionName = name;
  }
}

/** Any other failure: the network, an HTTP error, or a body that is not the expected JSON. */
export class FetchError extends Error {
  constructor(message, status = null) {
    super(message);
    this.name = 'FetchError';
    this.status = status;
  }
}

async function send(path, signal, fresh) {
  const token = await bearerToken({ fresh });
  try {
    return await fetch(new URL(path, document.baseURI), {
      headers: { Accept: 'application/json', Authorization: `Bearer ${token}` },
      signal,
      cache: 'no-store',
    });
  } catch (error) {
    if (error?.name === 'AbortError') throw error;
    throw new FetchError(`The host did not answer (${error?.message || 'network error'}). Is the local stack running?`);
  }
}

async function getJson(path, signal) {
  let response = await send(path, signal, false);
  if (response.status === 401) response = await send(path, signal, true);
  if (response.status === 401 || response.status === 403) {
    throw new AuthError(
      `The host refused the token (HTTP ${response.status}). Execution traces need a valid token: open the chat page `
      + 'to sign in, or check the token in its Settings.');
  }
  const text = await response.text();
  let body = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    body = null;
  }
  if (!response.ok) {
    const message = body && typeof body.message === 'string' ? body.message : text.slice(0, 300);
    const error = new FetchError(
      `HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}${message ? `: ${message}` : ''}`, response.status);
    error.body = body;
    throw error;
  }
  if (body === null || typeof body !== 'object') throw new FetchError('The host answered with something other than JSON.', response.status);
  return { body, text };
}

/**
 * { executions, text }: newest first, as the host lists them, each with its turn's requestId and question when the
 * caller may read it. `status` keeps one status; `requestId` keeps the turns whose requestId starts with it.
 */
export async function listExecutions(limit, signal, { status = '', requestId = '' } = {}) {
  const query = new URLSearchParams({ limit: String(limit) });
  if (status) query.set('status', status);
  if (requestId) query.set('requestId', requestId);
  const { body, text } = await getJson(`/${STAGE}/executions?${query}`, signal);
  if (!Array.isArray(body.executions)) throw new FetchError('The executions list has no "executions" array.');
  return { executions: body.executions, text };
}

/** { execution, events, text } for one execution by name (= the turn's requestId). */
export async function describeExecution(name, signal) {
  try {
    const { body, text } = await getJson(`/${STAGE}/executions/${encodeURIComponent(name)}`, signal);
    if (!body.execution || typeof body.execution !== 'object') throw new FetchError('The answer has no "execution" object.');
    return { execution: body.execution, events: Array.isArray(body.events) ? body.events : [], text };
  } catch (error) {
    if (error instanceof FetchError && error.status === 404 && error.body?.__type === 'ExecutionDoesNotExist') {
      throw new ExecutionNotFoundError(name, error.body?.message);
    }
    throw error;
  }
}
