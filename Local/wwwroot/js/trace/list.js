// The list of recent executions: name, status (colour + text), start time and duration, newest first.

import { h } from './dom.js';
import { executionStatus, formatDateTime, formatDuration, formatShortDateTime, parseTime } from './format.js';

/** A status badge: the text is the status itself, the colour and the icon (CSS) only repeat it. */
export function statusBadge(status, attributes = {}) {
  const { text, tone } = executionStatus(status);
  return h('span', { class: `badge badge--${tone}`, 'data-status': status ?? 'UNKNOWN', ...attributes }, text);
}

/** A <time> that reads as local time and carries the API timestamp. */
export function timeElement(iso, short = false) {
  const ms = parseTime(iso);
  if (ms == null) return h('span', { class: 'muted' }, '—');
  const full = formatDateTime(ms);
  return h('time', { datetime: new Date(ms).toISOString(), title: short ? `${full} (${iso})` : iso },
    short ? formatShortDateTime(ms) : full);
}

function duration(execution, now) {
  if (Number.isFinite(execution.durationMs)) return formatDuration(execution.durationMs);
  const start = parseTime(execution.startDate);
  const stop = parseTime(execution.stopDate);
  if (start != null && stop != null) return formatDuration(stop - start);
  if (start != null && execution.status === 'RUNNING') return `${formatDuration(now - start)} so far`;
  return '—';
}

/** The turn's question as text; the host sends it only to the turn's owner or an operator. */
function question(execution) {
  if (typeof execution.question !== 'string') return h('span', { class: 'muted' }, '—');
  const shown = execution.questionTruncated ? `${execution.question}…` : execution.question;
  return h('span', { class: 'question', title: shown }, shown);
}

/**
 * The executions table. Each row's name is a link to #name, which the router turns into the timeline; the
 * whole row is clickable too, for a pointer.
 */
export function renderExecutionList(executions, selectedName, now = Date.now(), filtered = false) {
  if (executions.length === 0 && filtered) {
    return h('p', { class: 'empty', 'data-testid': 'no-matches' }, 'No execution matches the status and requestId chosen.');
  }
  if (executions.length === 0) {
    return h('p', { class: 'empty' },
      'No executions yet. Send a message from the ', h('a', { href: '/' }, 'chat page'), ' and it appears here.');
  }
  const rows = executions.map((execution) => {
    const name = String(execution.name ?? '');
    const selected = name === selectedName;
    const href = `#${encodeURIComponent(name)}`;
    return h('tr', {
      'data-testid': 'execution-row',
      'data-name': name,
      'data-status': execution.status ?? 'UNKNOWN',
      class: selected ? 'is-selected' : null,
      onclick: (event) => {
        if (event.target.closest('a, button') || window.getSelection()?.toString()) return;
        location.hash = href;
      },
    },
    h('th', { scope: 'row', class: 'cell-name' },
      h('a', { href, 'aria-current': selected ? 'true' : null, 'data-focus-key': `row:${name}`, title: execution.executionArn ?? null },
        name || '(no name)')),
    h('td', { class: 'cell-question', 'data-testid': 'execution-question' }, question(execution)),
    h('td', { class: 'cell-status' }, statusBadge(execution.status)),
    h('td', { class: 'cell-start' }, timeElement(execution.startDate, true)),
    h('td', { class: 'cell-duration num' }, duration(execution, now)));
  });
  return h('div', { class: 'table-scroll', 'data-scroll-key': 'executions' },
    h('table', { class: 'executions' },
      h('caption', { class: 'visually-hidden' }, 'Recent executions, newest first'),
      h('thead', {}, h('tr', {},
        h('th', { scope: 'col' }, 'Name'),
        h('th', { scope: 'col' }, 'Question'),
        h('th', { scope: 'col' }, 'Status'),
        h('th', { scope: 'col' }, 'Started'),
        h('th', { scope: 'col', class: 'num' }, 'Duration'))),
      h('tbody', {}, rows)));
}
