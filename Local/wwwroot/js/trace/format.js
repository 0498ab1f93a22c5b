// Pure formatting helpers for the trace view: times, durations, sizes, JSON text and status names.

/** Milliseconds since the epoch for an API timestamp ("2026-11-21T22:46:54.548Z"), or null. */
export function parseTime(text) {
  if (typeof text !== 'string' && typeof text !== 'number') return null;
  const ms = typeof text === 'number' ? text : Date.parse(text);
  return Number.isFinite(ms) ? ms : null;
}

/** "594 ms", "1.23 s", "12.5 s", "2 min 3 s", "1 h 4 min"; an em dash when unknown. */
export function formatDuration(ms) {
  if (ms == null || !Number.isFinite(ms)) return '—';
  const value = Math.max(0, ms);
  if (value < 1000) return `${Math.round(value)} ms`;
  if (value < 10_000) return `${(value / 1000).toFixed(2)} s`;
  if (value < 60_000) return `${(value / 1000).toFixed(1)} s`;
  const seconds = Math.round(value / 1000);
  const hours = Math.floor(seconds / 3600);
  const minutes = Math.floor((seconds % 3600) / 60);
  return hours > 0 ? `${hours} h ${minutes} min` : `${minutes} min ${seconds % 60} s`;
}

/** A time offset from the execution's start: "+12 ms". */
export function formatOffset(ms) {
  return ms == null || !Number.isFinite(ms) ? '' : `+${formatDuration(ms)}`;
}

let dateTimeFormat;
function dateTime() {
  dateTimeFormat ??= new Intl.DateTimeFormat(undefined, {
    year: 'numeric', month: 'short', day: 'numeric',
    hour: '2-digit', minute: '2-digit', second: '2-digit', fractionalSecondDigits: 3, hourCycle: 'h23',
  });
  return dateTimeFormat;
}

/** A local date and time with milliseconds, as the console shows it; an em dash when unknown. */
export function formatDateTime(ms) {
  return ms == null ? '—' : dateTime().format(new Date(ms));
}

/** "208 B", "3.4 KB": the size of a payload, counted in UTF-8 bytes. */
export function formatSize(text) {
  const bytes = new TextEncoder().encode(String(text ?? '')).length;
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** Parses JSON text; { ok, value } so a caller can tell "null" from text that is not JSON. */
export function parseJson(text) {
  if (typeof text !== 'string') return { ok: text !== undefined, value: text };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false, value: undefined };
  }
}

/** JSON text pretty-printed with two-space indents; text that is not JSON comes back as it is. */
export function prettyJson(text) {
  if (text === undefined) return '';
  if (typeof text !== 'string') return JSON.stringify(text, null, 2) ?? String(text);
  const parsed = parseJson(text);
  return parsed.ok ? JSON.stringify(parsed.value, null, 2) : text;
}

/**
 * The one-line message of an error cause: Lambda causes are JSON text with errorMessage, other causes are
 * plain text. Returns null when the cause is JSON without a message, to show it only pretty-printed.
 */
export function causeMessage(cause) {
  if (typeof cause !== 'string' || cause === '') return null;
  const parsed = parseJson(cause);
  if (!parsed.ok) return cause;
  const value = parsed.value;
  if (value && typeof value === 'object' && typeof value.errorMessage === 'string') return value.errorMessage;
  return typeof value === 'string' ? value : null;
}

/** Execution statuses as the API names them, with the tone the CSS colours them by. */
const EXECUTION_STATUSES = {
  RUNNING: 'running',
  SUCCEEDED: 'succeeded',
  FAILED: 'failed',
  TIMED_OUT: 'timed-out',
  ABORTED: 'aborted',
  PENDING_REDRIVE: 'running',
};

/** { text, tone } for an execution status: the API name (TIMED_OUT reads "TIMED OUT") and its colour. */
export function executionStatus(status) {
  const name = typeof status === 'string' && status !== '' ? status : 'UNKNOWN';
  return { text: name.replaceAll('_', ' '), tone: EXECUTION_STATUSES[name] ?? 'unknown' };
}

/** The label a state row's status reads as, besides its colour. */
export function stateStatusLabel(visit) {
  if (visit.outcome === 'caught') return 'Caught error';
  if (visit.outcome === 'interrupted') return 'Interrupted';
  if (visit.outcome === 'timed-out') return 'Timed out';
  return { succeeded: 'Succeeded', failed: 'Failed', running: 'Running' }[visit.status] ?? visit.status;
}

let shortFormat;
let timeFormat;
/** A compact local time for the list: the time with milliseconds today, the date and time before that. */
export function formatShortDateTime(ms, now = Date.now()) {
  if (ms == null) return '—';
  const date = new Date(ms);
  if (date.toDateString() === new Date(now).toDateString()) {
    timeFormat ??= new Intl.DateTimeFormat(
      undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit', fractionalSecondDigits: 3, hourCycle: 'h23' });
    return timeFormat.format(date);
  }
  shortFormat ??= new Intl.DateTimeFormat(
    undefined, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });
  return shortFormat.format(date);
}
