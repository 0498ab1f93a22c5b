// One execution's trace: the summary, a bar timeline of relative durations, one row per state entered (with
// its attempts, error, Catch route and payloads) and the raw event history.

import { h } from './dom.js';
import { statusBadge, timeElement } from './list.js';
import { timelineBars } from './model.js';
import {
  causeMessage, formatDateTime, formatDuration, formatOffset, formatSize, parseJson, parseTime, prettyJson, stateStatusLabel,
} from './format.js';

/** A collapsed, pretty-printed JSON payload. `key` keeps it open across refreshes. */
export function jsonBlock(label, text, key) {
  if (text === undefined || text === null) return null;
  const pretty = prettyJson(text);
  return h('details', { class: 'payload', 'data-key': key },
    h('summary', { 'data-focus-key': `summary:${key}` }, label, ' ',
      h('span', { class: 'muted size' }, `(${formatSize(typeof text === 'string' ? text : pretty)})`)),
    h('pre', { class: 'json', tabindex: '0', 'aria-label': label, 'data-scroll-key': `pre:${key}` }, h('code', {}, pretty)));
}

function fact(term, ...description) {
  return h('div', { class: 'fact' }, h('dt', {}, term), h('dd', {}, description));
}

/** The error and its cause: a Lambda cause (JSON with errorMessage) reads as its message, the rest folds away. */
function errorBox(error, cause, key, heading = 'Error') {
  if (error == null && cause == null) return null;
  const message = causeMessage(cause);
  const parsed = parseJson(cause);
  const structured = typeof cause === 'string' && parsed.ok && parsed.value !== null && typeof parsed.value === 'object';
  return h('div', { class: 'error-box' },
    h('p', { class: 'error-line' }, h('strong', {}, `${heading}: `), h('code', {}, error ?? '(no error name)')),
    message != null ? h('p', { class: 'error-cause' }, h('strong', {}, 'Cause: '), message) : null,
    structured ? jsonBlock('Full cause', cause, `${key}:cause`) : null);
}

function shortFunctionName(arn) {
  const match = /:function:([^:]+)/.exec(arn ?? '');
  return match ? match[1] : arn;
}

function attemptLabel(outcome) {
  return {
    succeeded: 'Succeeded', failed: 'Failed', 'timed-out': 'Timed out', running: 'Running', interrupted: 'Interrupted',
  }[outcome] ?? outcome;
}

function renderAttempts(visit, key) {
  if (visit.attempts.length === 0) return null;
  return h('ol', { class: 'attempts', 'aria-label': `Attempts of ${visit.name}` },
    visit.attempts.map((attempt) => {
      const attemptKey = `${key}:a${attempt.number}`;
      return h('li', { class: `attempt attempt--${attempt.outcome}`, 'data-testid': 'attempt', 'data-outcome': attempt.outcome },
        h('div', { class: 'attempt-head' },
          h('span', { class: 'attempt-number' }, `Attempt ${attempt.number}`),
          h('span', { class: `badge badge--${attempt.outcome}` }, attemptLabel(attempt.outcome)),
          h('span', { class: 'num' }, formatDuration(attempt.durationMs), attempt.outcome === 'running' ? ' so far' : ''),
          attempt.waitedMs != null ? h('span', { class: 'muted' }, `retried after ${formatDuration(attempt.waitedMs)}`) : null),
        attempt.outcome === 'failed' || attempt.outcome === 'timed-out' ? errorBox(attempt.error, attempt.cause, attemptKey) : null,
        attempt.output != null ? jsonBlock('Task result', attempt.output, `${attemptKey}:output`) : null);
    }));
}

/** True when the state's error is the last attempt's, which its attempt row already shows with the cause. */
function errorShownByAttempt(visit) {
  const last = visit.attempts.at(-1);
  return Boolean(last && (last.outcome === 'failed' || last.outcome === 'timed-out')
    && last.error === visit.error && last.cause === visit.cause);
}

function renderVisit(visit, trace, now) {
  const key = `v${visit.entered.id}`;
  const tone = visit.outcome === 'caught' ? 'caught' : visit.outcome === 'interrupted' ? 'interrupted' : visit.status;
  const running = visit.status === 'running';
  const resource = visit.resource;
  const attempts = visit.attempts.length;
  return h('li', {
    class: `state state--${tone}`,
    'data-testid': 'state-row',
    'data-state': visit.name,
    'data-status': visit.status,
    'data-outcome': visit.outcome,
    'data-type': visit.type,
    'data-index': visit.index,
  },
  h('div', { class: 'state-head' },
    h('span', { class: 'state-index num', 'aria-hidden': 'true' }, String(visit.index + 1)),
    h('h4', { class: 'state-name' }, visit.name),
    h('span', { class: 'state-type' }, visit.type),
    h('span', { class: `badge badge--${tone}` }, stateStatusLabel(visit)),
    h('span', { class: 'state-duration num' }, formatDuration(visit.durationMs), running ? ' so far' : '')),
  h('dl', { class: 'facts' },
    fact('Entered', visit.enteredAt != null
      ? `${formatOffset(visit.enteredAt - (trace.startAt ?? visit.enteredAt))} · ${formatDateTime(visit.enteredAt)}`
      : '—'),
    fact('Duration', formatDuration(visit.durationMs),
      visit.exited ? ' (entered → exited)'
        : running ? ' so far'
        : visit.outcome === 'interrupted' ? ' until the host stopped'
        : ' until the execution ended'),
    resource ? fact('Resource', h('code', {}, resource.arn),
      resource.functionName ? [' → ', h('code', { title: resource.functionName }, shortFunctionName(resource.functionName))] : null,
      resource.timeoutInSeconds != null ? h('span', { class: 'muted' }, ` (timeout ${resource.timeoutInSeconds} s)`) : null) : null,
    attempts > 0
      ? fact('Attempts', String(attempts), visit.retries > 0 ? ` (${visit.retries} ${visit.retries === 1 ? 'retry' : 'retries'})` : '')
      : null,
    visit.next && visit.nextVia !== 'catch' ? fact('Next state', h('span', { class: 'next-state' }, visit.next)) : null,
    visit.next && visit.nextVia === 'catch'
      ? fact('Catch route', h('code', {}, visit.error ?? 'error'), ' → ',
        h('span', { class: 'next-state', 'data-testid': 'catch-next' }, visit.next))
      : null),
  visit.outcome === 'interrupted'
    ? h('p', { class: 'note' }, visit.cutBy === 'redrive'
      ? 'The host stopped while this state ran; the redriven execution entered it again.'
      : 'The history records no exit from this state before the next state was entered.')
    : null,
  errorShownByAttempt(visit) ? null : errorBox(visit.error, visit.cause, key, visit.outcome === 'caught' ? 'Caught error' : 'Error'),
  renderAttempts(visit, key),
  h('div', { class: 'payloads' },
    jsonBlock('Input', visit.input, `${key}:input`),
    visit.exited ? jsonBlock('Output', visit.output, `${key}:output`) : null,
    resource?.parameters != null ? jsonBlock('Task parameters', resource.parameters, `${key}:parameters`) : null),
  visit.otherEvents.length > 0
    ? h('ul', { class: 'other-events', 'aria-label': `Other events in ${visit.name}` },
      visit.otherEvents.map((event) => renderGenericEvent(event, trace)))
    : null,
  renderBranches(visit, now));
}

const BRANCH_TONES = { SUCCEEDED: 'succeeded', FAILED: 'failed', ABORTED: 'failed', TIMED_OUT: 'failed', RUNNING: 'running' };

/** A Parallel state's branches or a Map state's iterations, each with the states it entered. */
function renderBranches(visit, now) {
  if (!visit.branches?.length) return null;
  const what = visit.branches[0].kind === 'iteration' ? 'Iterations' : 'Branches';
  return h('section', { class: 'branches-section' },
    h('h5', {}, `${what} (${visit.branches.length})`),
    h('ol', { class: 'branches', 'aria-label': `${what} of ${visit.name}` }, visit.branches.map((branch) =>
      h('li', { class: 'branch', 'data-testid': 'branch', 'data-kind': branch.kind, 'data-status': branch.status },
        h('div', { class: 'branch-head' },
          h('span', { class: 'branch-label' }, branch.label),
          h('span', { class: `badge badge--${BRANCH_TONES[branch.status] ?? 'running'}` }, branch.status)),
        h('ol', { class: 'states' }, branch.trace.items.map((item) => (item.kind === 'state'
          ? renderVisit(item.visit, branch.trace, now)
          : renderGenericEvent(item.event, branch.trace))))))));
}

function eventDetailsText(event) {
  const details = Object.fromEntries(
    Object.entries(event).filter(([name]) => !['timestamp', 'type', 'id', 'previousEventId'].includes(name)));
  return Object.keys(details).length ? JSON.stringify(details) : null;
}

/** Any event the view has no special row for: its type, time and details. */
function renderGenericEvent(event, trace) {
  const at = parseTime(event.timestamp);
  const text = eventDetailsText(event);
  return h('li', { class: 'event-row', 'data-testid': 'event-row', 'data-type': event.type },
    h('span', { class: 'event-type' }, h('code', {}, event.type)),
    ' ',
    h('span', { class: 'muted' }, at != null && trace.startAt != null ? `${formatOffset(at - trace.startAt)} · ` : '', formatDateTime(at)),
    text ? jsonBlock('Details', text, `e${event.id}:details`) : null);
}

function renderRedrive(event, trace) {
  const details = event.executionRedrivenEventDetails ?? {};
  const at = parseTime(event.timestamp);
  return h('li', { class: 'redrive-row', 'data-testid': 'redrive-row' },
    h('strong', {}, 'Execution redriven'),
    details.redriveCount != null ? ` (redrive ${details.redriveCount})` : '',
    ' ',
    h('span', { class: 'muted' }, at != null && trace.startAt != null ? `${formatOffset(at - trace.startAt)} · ` : '', formatDateTime(at)),
    h('span', { class: 'muted' }, ' — the state that was running starts again.'));
}

function renderBars(trace) {
  const bars = timelineBars(trace);
  if (bars.length === 0) return null;
  const span = (trace.endAt ?? 0) - (trace.startAt ?? 0);
  return h('section', { class: 'bars-section', 'aria-labelledby': 'bars-heading' },
    h('h3', { id: 'bars-heading' }, 'Timeline'),
    h('p', { class: 'muted axis' }, `Each bar spans a state from entered to exited, on the execution's ${formatDuration(span)}.`),
    h('ol', { class: 'bars' }, bars.map(({ visit, offset, width, offsetMs }) => {
      const tone = visit.outcome === 'caught' ? 'caught' : visit.outcome === 'interrupted' ? 'interrupted' : visit.status;
      const bar = h('span', { class: `bar bar--${tone}` });
      bar.style.setProperty('--offset', `${(offset * 100).toFixed(3)}%`);
      bar.style.setProperty('--width', `${(width * 100).toFixed(3)}%`);
      return h('li', { class: 'bar-row', 'data-state': visit.name },
        h('span', { class: 'bar-label' }, visit.name,
          visit.retries > 0 ? h('span', { class: 'muted' }, ` ×${visit.attempts.length}`) : null),
        h('span', { class: 'bar-track', 'aria-hidden': 'true' }, bar),
        h('span', { class: 'bar-time num' },
          h('span', { class: 'visually-hidden' }, `${stateStatusLabel(visit)}, started `),
          `${formatOffset(offsetMs)}, ${formatDuration(visit.durationMs)}`));
    })));
}

function renderHistory(trace) {
  if (trace.events.length === 0) return null;
  return h('details', { class: 'history', 'data-key': 'history' },
    h('summary', { 'data-focus-key': 'summary:history' }, `Event history (${trace.events.length} events)`),
    h('div', { class: 'table-scroll', 'data-scroll-key': 'history' },
      h('table', { class: 'history-table' },
        h('caption', { class: 'visually-hidden' }, 'Every event of the execution, in order'),
        h('thead', {}, h('tr', {},
          h('th', { scope: 'col', class: 'num' }, 'ID'),
          h('th', { scope: 'col' }, 'Type'),
          h('th', { scope: 'col' }, 'State'),
          h('th', { scope: 'col', class: 'num' }, 'Elapsed'),
          h('th', { scope: 'col' }, 'Details'))),
        h('tbody', {}, trace.events.map((event) => {
          const at = parseTime(event.timestamp);
          const text = eventDetailsText(event);
          return h('tr', {},
            h('td', { class: 'num' }, String(event.id ?? '')),
            h('th', { scope: 'row' }, h('code', {}, event.type)),
            h('td', {}, trace.stateOfEvent.get(event.id) ?? ''),
            h('td', { class: 'num' }, h('span', { title: event.timestamp ?? '' },
              at != null && trace.startAt != null ? formatOffset(at - trace.startAt) : '—')),
            h('td', {}, text ? jsonBlock('Details', text, `h${event.id}`) : ''));
        })))));
}

/** The whole trace of one execution, as the [data-testid=timeline] section. */
export function renderExecution(trace, now = Date.now()) {
  const states = trace.items.filter((item) => item.kind === 'state').length;
  const running = trace.running;
  return h('article', { class: 'execution', 'data-testid': 'timeline', 'data-name': trace.name ?? '', 'aria-labelledby': 'detail-heading' },
    h('header', { class: 'execution-head' },
      h('h2', { id: 'detail-heading', tabindex: '-1' },
        h('span', { class: 'muted' }, 'Execution '), h('span', { class: 'execution-name' }, trace.name ?? '')),
      statusBadge(trace.status, { 'data-testid': 'execution-status' })),
    h('dl', { class: 'summary' },
      fact('Started', trace.startAt != null ? timeElement(new Date(trace.startAt).toISOString()) : '—'),
      fact('Stopped', trace.stopAt != null ? timeElement(new Date(trace.stopAt).toISOString()) : running ? 'Still running' : '—'),
      fact('Duration', formatDuration(trace.durationMs), running ? ' so far' : ''),
      fact('Redrive count', String(trace.redriveCount ?? 0),
        trace.redriveAt != null ? h('span', { class: 'muted' }, ` (last ${formatDateTime(trace.redriveAt)})`) : null)),
    errorBox(trace.error, trace.cause, 'execution'),
    h('div', { class: 'payloads' },
      jsonBlock('Execution input', trace.input, 'execution:input'),
      jsonBlock('Execution output', trace.output, 'execution:output')),
    renderBars(trace),
    h('section', { class: 'states-section', 'aria-labelledby': 'states-heading' },
      h('h3', { id: 'states-heading' }, `States entered (${states})`),
      trace.items.length === 0
        ? h('p', { class: 'empty' }, running ? 'No state entered yet.' : 'The history has no states.')
        : h('ol', { class: 'states' }, trace.items.map((item) => {
          if (item.kind === 'state') return renderVisit(item.visit, trace, now);
          if (item.kind === 'redrive') return renderRedrive(item.event, trace);
          return renderGenericEvent(item.event, trace);
        }))),
    renderHistory(trace));
}

/** The execution does not exist: a clear message instead of a timeline. */
export function renderNotFound(name) {
  return h('div', { class: 'notice', 'data-testid': 'not-found', role: 'status' },
    h('h2', { id: 'detail-heading', tabindex: '-1' }, 'Execution not found'),
    h('p', {}, 'There is no execution named ', h('code', {}, name),
      '. The name is the turn\'s requestId; the turn may not have started yet, or it ran on a host whose data is gone (--in-memory).'),
    h('p', {}, h('a', { href: '#' }, 'Show no execution'), ' or pick one from the list.'));
}

/** A fetch failure, in place, with a way to try again. */
export function renderLoadError(what, error, retry) {
  return h('div', { class: 'notice notice--error', 'data-testid': 'load-error', role: 'alert' },
    h('p', {}, h('strong', {}, `Could not load ${what}. `), error?.message ?? String(error)),
    retry ? h('button', { type: 'button', onclick: retry }, 'Try again') : null);
}

/** Shown while nothing is selected. */
export function renderPlaceholder() {
  return h('div', { class: 'notice placeholder' },
    h('h2', { id: 'detail-heading', tabindex: '-1' }, 'No execution selected'),
    h('p', {}, 'Pick an execution from the list to see its states, attempts, errors and payloads.'));
}
