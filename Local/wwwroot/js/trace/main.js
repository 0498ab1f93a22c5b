// The trace page: the executions list and, driven by location.hash (#<execution name>), one execution's
// trace. Refreshes on demand, and by itself every few seconds while an execution is RUNNING.

import { describeExecution, ExecutionNotFoundError, listExecutions } from './api.js';
import { canAskForOperator, operatorView, setOperatorView, signedInAs } from './auth.js';
import { h, replaceKeepingState } from './dom.js';
import { renderExecutionList } from './list.js';
import { buildTrace } from './model.js';
import { renderExecution, renderLoadError, renderNotFound, renderPlaceholder } from './timeline.js';

const LIST_LIMIT = 50;
const POLL_MS = 3000;
const TITLE = 'Execution traces · Conduit';

const elements = {
  listPane: document.getElementById('executions'),
  listBody: document.getElementById('list-body'),
  listStatus: document.getElementById('list-status'),
  detailPane: document.getElementById('detail'),
  detailBody: document.getElementById('detail-body'),
  detailStatus: document.getElementById('detail-status'),
  refresh: document.getElementById('refresh'),
  statusFilter: document.getElementById('status-filter'),
  requestSearch: document.getElementById('request-search'),
  operatorToggle: document.getElementById('operator-toggle'),
  operatorView: document.getElementById('operator-view'),
  signedIn: document.getElementById('signed-in'),
  updated: document.getElementById('updated'),
};

const view = {
  name: null,
  executions: null,
  listText: null,
  detailFor: null, // the name the detail pane shows (an execution, not-found or an error)
  detailText: null,
  detail: null,
  detailRunning: false,
  listController: null,
  detailController: null,
  timer: null,
};

/** The execution named by the hash, or null. */
function nameFromHash() {
  const raw = location.hash.replace(/^#/, '');
  if (raw === '') return null;
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

function anyRunning() {
  return view.detailRunning || (view.executions ?? []).some((execution) => execution.status === 'RUNNING');
}

function setMessage(element, message, isError = false) {
  element.textContent = message ?? '';
  element.hidden = !message;
  element.classList.toggle('is-error', Boolean(isError));
}

function filters() {
  return { status: elements.statusFilter.value, requestId: elements.requestSearch.value.trim() };
}

function drawList() {
  if (!view.executions) return;
  const { status, requestId } = filters();
  replaceKeepingState(elements.listBody, renderExecutionList(view.executions, view.name, Date.now(), Boolean(status || requestId)));
}

async function loadList() {
  view.listController?.abort();
  const controller = new AbortController();
  view.listController = controller;
  elements.listPane.setAttribute('aria-busy', 'true');
  try {
    const { executions, text } = await listExecutions(LIST_LIMIT, controller.signal, filters());
    const changed = text !== view.listText;
    view.listText = text;
    view.executions = executions;
    if (changed || executions.some((execution) => execution.status === 'RUNNING')) drawList();
    setMessage(elements.listStatus, null);
  } catch (error) {
    if (error?.name === 'AbortError') return;
    if (view.executions) setMessage(elements.listStatus, `Refresh failed: ${error.message}`, true);
    else replaceKeepingState(elements.listBody, renderLoadError('the executions', error, refreshNow));
  } finally {
    if (view.listController === controller) elements.listPane.removeAttribute('aria-busy');
  }
}

function drawDetail() {
  const trace = buildTrace(view.detail.execution, view.detail.events);
  view.detailRunning = trace.running;
  replaceKeepingState(elements.detailBody, renderExecution(trace));
}

async function loadDetail({ focus = false } = {}) {
  view.detailController?.abort();
  const name = view.name;
  document.title = name == null ? TITLE : `${name} · ${TITLE}`;
  if (name == null) {
    view.detailFor = null;
    view.detail = null;
    view.detailText = null;
    view.detailRunning = false;
    setMessage(elements.detailStatus, null);
    replaceKeepingState(elements.detailBody, renderPlaceholder());
    if (focus) focusDetailHeading();
    return;
  }

  const controller = new AbortController();
  view.detailController = controller;
  const switching = view.detailFor !== name;
  if (switching) {
    view.detail = null;
    view.detailText = null;
    view.detailRunning = false;
    setMessage(elements.detailStatus, null);
    replaceKeepingState(elements.detailBody, h('p', { class: 'loading', role: 'status' }, `Loading execution “${name}”…`));
  }
  elements.detailPane.setAttribute('aria-busy', 'true');
  try {
    const { execution, events, text } = await describeExecution(name, controller.signal);
    if (view.name !== name) return;
    const changed = switching || text !== view.detailText;
    view.detailFor = name;
    view.detailText = text;
    view.detail = { execution, events };
    if (changed || view.detailRunning || execution.status === 'RUNNING') drawDetail();
    setMessage(elements.detailStatus, null);
  } catch (error) {
    if (error?.name === 'AbortError' || view.name !== name) return;
    if (error instanceof ExecutionNotFoundError) {
      view.detailFor = name;
      view.detail = null;
      view.detailText = null;
      view.detailRunning = false;
      setMessage(elements.detailStatus, null);
      replaceKeepingState(elements.detailBody, renderNotFound(name));
    } else if (view.detail && view.detailFor === name) {
      setMessage(elements.detailStatus, `Refresh failed: ${error.message}`, true);
    } else {
      view.detailFor = name;
      view.detailRunning = false;
      replaceKeepingState(elements.detailBody, renderLoadError(`execution “${name}”`, error, refreshNow));
    }
  } finally {
    if (view.detailController === controller) elements.detailPane.removeAttribute('aria-busy');
  }
  if (focus && view.name === name) focusDetailHeading();
}

function focusDetailHeading() {
  const heading = elements.detailBody.querySelector('#detail-heading');
  heading?.focus({ preventScroll: true });
  heading?.scrollIntoView({ block: 'start', behavior: 'instant' });
}

function stamp() {
  const time = new Date().toLocaleTimeString(undefined, { hourCycle: 'h23' });
  elements.updated.textContent = anyRunning()
    ? `Updated ${time} · refreshing every ${POLL_MS / 1000} s while an execution runs`
    : `Updated ${time}`;
}

function schedule() {
  clearTimeout(view.timer);
  view.timer = null;
  if (!anyRunning() || document.hidden) return;
  view.timer = setTimeout(refreshNow, POLL_MS);
}

let refreshing = null;
/** Reloads the list and the execution shown; one refresh at a time. */
function refreshNow() {
  clearTimeout(view.timer);
  refreshing ??= Promise.all([loadList(), loadDetail()]).finally(() => {
    refreshing = null;
    stamp();
    schedule();
  });
  return refreshing;
}

function onHashChange() {
  view.name = nameFromHash();
  drawList();
  loadDetail({ focus: true }).finally(() => {
    stamp();
    schedule();
  });
}

function showSignIn() {
  elements.operatorToggle.hidden = !canAskForOperator();
  elements.operatorView.checked = operatorView();
  elements.signedIn.textContent = `Signed in as ${signedInAs()}`;
}

elements.refresh.addEventListener('click', () => refreshNow());
elements.statusFilter.addEventListener('change', () => loadList().finally(stamp));
elements.requestSearch.addEventListener('input', () => loadList().finally(stamp));
elements.operatorView.addEventListener('change', () => {
  setOperatorView(elements.operatorView.checked);
  showSignIn();
  view.executions = null;
  view.listText = null;
  view.detailFor = null;
  refreshNow();
});
window.addEventListener('hashchange', onHashChange);
document.addEventListener('visibilitychange', () => {
  if (!document.hidden && anyRunning()) refreshNow();
});

showSignIn();
view.name = nameFromHash();
refreshNow();
