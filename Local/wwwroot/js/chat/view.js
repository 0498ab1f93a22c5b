// Everything that touches the DOM: the header, the conversation list, the conversation, the composer and the
// settings dialog. Text from the server or the user only ever goes in as text (textContent, text nodes), never as
// HTML, with one exception: an answer's Markdown, which goes through markdown.js (sanitised) first.

import { isIdentifier, messageSize } from './protocol.js';
import { turnState, turnStatusText } from './conversation.js';
import { copyText, renderMarkdown } from './markdown.js';
import { errorSentence } from './errors.js';

const MAX_BANNERS = 3;

/** What each connection state is called on the page: words a user knows, not the protocol's. */
const CONNECTION_LABELS = {
  connecting: 'Connecting…',
  connected: 'Connected',
  reconnecting: 'Reconnecting…',
  offline: 'Offline',
};

const numberFormat = new Intl.NumberFormat('en');

/** A small element builder: h('p', { className: 'x', dataset: { testid: 'y' }, attrs: { role: 'alert' } }, 'text', child). */
function h(tag, props = {}, ...children) {
  const element = document.createElement(tag);
  const { dataset, attrs, ...rest } = props;
  Object.assign(element, rest);
  Object.assign(element.dataset, dataset);
  for (const [name, value] of Object.entries(attrs ?? {})) element.setAttribute(name, value);
  element.append(...children.filter((c) => c !== null && c !== undefined));
  return element;
}

/**
 * @param {object} handlers
 * @param {(text: string) => boolean} handlers.send returns whether the text was taken
 * @param {() => void} handlers.stop
 * @param {() => void} handlers.newChat
 * @param {(requestId: string) => void} handlers.retry
 * @param {(requestId: string) => void} handlers.regenerate sends the turn's question again, as a new turn
 * @param {() => void} handlers.reconnectNow
 * @param {(sessionId: string) => void} handlers.openSession
 * @param {(sessionId: string, title: string) => void} handlers.renameSession
 * @param {(sessionId: string) => void} handlers.deleteSession
 * @param {() => void} handlers.moreSessions
 * @param {() => object} handlers.settings the current settings
 * @param {(settings: object) => void} handlers.saveSettings
 * @param {() => string} handlers.defaultSocketUrl
 */
export function createView(handlers) {
  const $ = (id) => document.getElementById(id);
  const ui = {
    status: $('connection-status'),
    statusDetail: $('connection-detail'),
    banners: $('banners'),
    scroller: $('conversation'),
    empty: $('empty'),
    turns: $('turns'),
    composer: $('composer'),
    input: $('message-input'),
    stop: $('stop'),
    newChat: $('new-chat'),
    toggleSessions: $('toggle-sessions'),
    sidebar: $('sidebar'),
    sessionList: $('session-list'),
    sessionsEmpty: $('sessions-empty'),
    moreSessions: $('more-sessions'),
    reconnectNow: $('reconnect-now'),
    counter: $('length-counter'),
    send: $('send'),
    openSettings: $('open-settings'),
    dialog: $('settings'),
    settingsForm: $('settings-form'),
    socketUrl: $('settings-socket-url'),
    userId: $('settings-user-id'),
    token: $('settings-token'),
    passage: $('passage'),
    passageTitle: $('passage-title'),
    passageSource: $('passage-source'),
    passageText: $('passage-text'),
  };
  /** requestId → the turn's elements and what they show. */
  const rendered = new Map();

  // Composer: Enter sends, Shift+Enter (or an IME composition) makes a new line.
  ui.input.addEventListener('keydown', (event) => {
    if (event.key !== 'Enter' || event.shiftKey || event.altKey || event.ctrlKey || event.metaKey || event.isComposing) return;
    event.preventDefault();
    ui.composer.requestSubmit();
  });
  ui.composer.addEventListener('submit', (event) => {
    event.preventDefault();
    if (!updateCounter()) return;
    if (handlers.send(ui.input.value)) {
      ui.input.value = ''; // the composer shrinks: scroll once more so the new turn stays in view
      updateCounter();
      ui.scroller.scrollTop = ui.scroller.scrollHeight;
    }
    ui.input.focus();
  });
  ui.input.addEventListener('input', () => updateCounter());

  /** Shows the message's size against the limit once it gets near; returns whether it may be sent. */
  function updateCounter() {
    const { characters, bytes, maxCharacters, maxBytes } = messageSize(ui.input.value);
    const over = characters > maxCharacters || bytes > maxBytes;
    const near = characters > maxCharacters * 0.8 || bytes > maxBytes * 0.8;
    ui.counter.hidden = !near;
    ui.counter.classList.toggle('over', over);
    ui.counter.textContent = bytes > maxBytes && characters <= maxCharacters
      ? `Too long to send: ${numberFormat.format(bytes)} of ${numberFormat.format(maxBytes)} bytes`
      : `${numberFormat.format(characters)} / ${numberFormat.format(maxCharacters)}${over ? ' (too long to send)' : ''}`;
    ui.send.disabled = over;
    ui.input.setAttribute('aria-invalid', String(over));
    return !over;
  }
  updateCounter();
  ui.stop.addEventListener('click', () => handlers.stop());
  ui.newChat.addEventListener('click', () => {
    toggleSidebar(false);
    handlers.newChat();
    ui.input.focus();
  });
  ui.turns.addEventListener('click', (event) => {
    const button = event.target.closest('button');
    const requestId = button?.closest('[data-testid="turn"]')?.dataset.requestId;
    if (!requestId) return;
    switch (button.dataset.testid) {
      case 'retry':
        handlers.retry(requestId);
        return;
      case 'regenerate':
        handlers.regenerate(requestId);
        return;
      case 'edit':
        ui.input.value = rendered.get(requestId)?.shown.question ?? '';
        updateCounter();
        ui.input.focus();
        return;
      case 'copy-answer':
        copied(button, copyText(rendered.get(requestId)?.shown.text ?? ''));
        return;
      case 'copy-code':
        copied(button, copyText(button.parentElement.querySelector('pre')?.textContent ?? ''));
        return;
      default:
    }
  });
  ui.reconnectNow.addEventListener('click', () => handlers.reconnectNow());
  ui.toggleSessions.addEventListener('click', () => toggleSidebar());
  // On a narrow screen the list lies over the page: a tap beside it, or Escape, puts it away.
  document.addEventListener('click', (event) => {
    const outside = !ui.sidebar.contains(event.target) && !ui.toggleSessions.contains(event.target);
    if (outside && ui.sidebar.classList.contains('open')) toggleSidebar(false);
  });
  document.addEventListener('keydown', (event) => {
    if (event.key === 'Escape' && ui.sidebar.classList.contains('open')) toggleSidebar(false);
  });
  ui.moreSessions.addEventListener('click', () => handlers.moreSessions());
  wireSessionList(ui, handlers, () => toggleSidebar(false));

  function toggleSidebar(open = !ui.sidebar.classList.contains('open')) {
    ui.sidebar.classList.toggle('open', open);
    ui.toggleSessions.setAttribute('aria-expanded', String(open));
  }

  /** Says on the button whether the copy worked, for a moment. */
  async function copied(button, copying) {
    const label = button.textContent;
    button.textContent = (await copying) ? 'Copied' : 'Copy failed';
    setTimeout(() => {
      button.textContent = label;
    }, 1500);
  }
  ui.banners.addEventListener('click', (event) => {
    if (event.target.closest('.banner-dismiss')) event.target.closest('.banner').remove();
  });

  wireSettings(ui, handlers);

  const nearBottom = () => ui.scroller.scrollHeight - ui.scroller.scrollTop - ui.scroller.clientHeight < 96;
  /** Runs a DOM change and keeps the conversation pinned to the bottom when it was there. */
  const keepingScroll = (change) => {
    const pinned = nearBottom();
    change();
    if (pinned) ui.scroller.scrollTop = ui.scroller.scrollHeight;
  };

  function createTurnElements(turn) {
    const question = h('p', { className: 'message-text' });
    const status = h('p', { className: 'turn-status', dataset: { testid: 'turn-status' } });
    const text = h('div', { className: 'assistant-text', dataset: { testid: 'assistant-text' }, attrs: { 'aria-live': 'polite' } });
    const typing = h(
      'span',
      { className: 'typing', title: 'The assistant is writing', attrs: { 'aria-hidden': 'true' } },
      h('span'),
      h('span'),
      h('span'),
    );
    const footer = h('div', { className: 'turn-footer' });
    const root = h(
      'li',
      { className: 'turn', dataset: { testid: 'turn', requestId: turn.requestId } },
      h('div', { className: 'message user' }, h('span', { className: 'visually-hidden' }, 'You: '), question),
      h(
        'div',
        { className: 'message assistant' },
        h('span', { className: 'visually-hidden' }, 'Assistant: '),
        status,
        text,
        typing,
        footer,
      ),
    );
    return { root, question, status, text, typing, footer, sources: null, error: null, trace: null, shown: {} };
  }

  function renderQuestion(els, turn) {
    const known = turn.question !== null;
    const value = known ? turn.question : turn.seenLive ? '(sent from another tab)' : '(question not available)';
    if (els.shown.question === value) return;
    els.shown.question = value;
    els.question.textContent = value;
    els.question.classList.toggle('placeholder', !known);
  }

  /** Renders the whole answer again: Markdown read so far can change meaning (a fence opens, a table's delimiter row). */
  function renderText(els, turn, state) {
    els.text.setAttribute('aria-busy', String(state === 'running'));
    if (turn.text === (els.shown.text ?? '')) return;
    els.text.replaceChildren(renderMarkdown(turn.text));
    els.text.dataset.markdown = turn.text;
    els.shown.text = turn.text;
  }

  /** Copy for every answer; regenerate and edit act on the last turn only (CSS hides them on the others). */
  function renderActions(els, turn, state) {
    const key = `${state}|${turn.question !== null}|${turn.text !== ''}`;
    if (els.shown.actions === key) return;
    els.shown.actions = key;
    els.actions?.remove();
    els.actions = null;
    if (state === 'running') return;
    const button = (testid, label, className = '') =>
      h('button', { type: 'button', className: `turn-action ${className}`, dataset: { testid } }, label);
    els.actions = h(
      'div',
      { className: 'turn-actions' },
      turn.text ? button('copy-answer', 'Copy') : null,
      turn.question !== null ? button('regenerate', 'Regenerate', 'last-only') : null,
      turn.question !== null ? button('edit', 'Edit', 'last-only') : null,
    );
    els.footer.prepend(els.actions);
  }

  function renderSources(els, turn) {
    const key = JSON.stringify(turn.sources);
    if (els.shown.sources === key) return;
    els.shown.sources = key;
    els.sources?.remove();
    els.sources = null;
    if (turn.sources.length === 0) return;
    const items = turn.sources.map((s) =>
      h(
        'li',
        {},
        h(
          'button',
          {
            type: 'button',
            className: 'source-title',
            dataset: { testid: 'source' },
            attrs: { 'aria-haspopup': 'dialog', 'aria-controls': 'passage' },
            onclick: () => openPassage(s),
          },
          s.title || s.source,
        ),
        ' ',
        h('span', { className: 'source-file' }, s.source),
        s.score === null ? null : h('span', { className: 'source-score', title: 'relevance score' }, s.score.toFixed(2)),
      ),
    );
    els.sources = h(
      'div',
      { className: 'sources', dataset: { testid: 'sources' } },
      h('p', { className: 'sources-heading', id: `sources-${turn.requestId}` }, 'Sources'),
      h('ul', { attrs: { 'aria-labelledby': `sources-${turn.requestId}` } }, ...items),
    );
    els.footer.before(els.sources);
  }

  /** The passage the model was given, as text: it comes from documents, so it is as untrusted as the answer. */
  function openPassage(source) {
    ui.passageTitle.textContent = source.title || source.source;
    ui.passageSource.textContent = source.source;
    ui.passageText.textContent = source.text
      ?? 'The text of this passage did not fit in the answer\'s sources; open the source document to read it.';
    ui.passageText.classList.toggle('placeholder', source.text === null);
    ui.passage.showModal();
  }

  function renderError(els, turn) {
    const error = turn.error;
    const canRetry = Boolean(error?.retryable && turn.question !== null);
    const key = error ? JSON.stringify([error.code, error.message, canRetry]) : '';
    if (els.shown.error === key) return;
    els.shown.error = key;
    els.error?.remove();
    els.error = null;
    if (!error) return;
    els.error = h(
      'div',
      { className: 'turn-error', dataset: { testid: 'error' }, attrs: { role: 'alert' } },
      h('p', { className: 'error-text', dataset: { testid: 'error-text' } }, errorSentence(error.code)),
      h(
        'p',
        { className: 'request-id', title: error.message },
        'Request ',
        h('code', {}, turn.requestId),
        ' · ',
        h('code', { className: 'error-code', dataset: { testid: 'error-code' } }, error.code),
      ),
      canRetry ? h('button', { type: 'button', className: 'retry', dataset: { testid: 'retry' } }, 'Retry') : null,
    );
    els.footer.before(els.error);
  }

  /** Links the latest attempt's execution, once the turn has ended (a retry links its own attempt). */
  function renderTrace(els, turn, state) {
    const execution = state === 'running' ? null : turn.execution;
    if (els.shown.trace === execution) return;
    els.shown.trace = execution;
    els.trace?.remove();
    els.trace = null;
    if (!execution) return;
    els.trace = h(
      'a',
      {
        className: 'trace-link',
        href: `/trace.html#${encodeURIComponent(execution)}`,
        dataset: { testid: 'trace-link' },
        attrs: { 'aria-label': `Trace of request ${turn.requestId}` },
      },
      'trace',
    );
    els.footer.append(els.trace);
  }

  return {
    /** Shows the connection's state ('connecting', 'connected', 'reconnecting', 'offline') and why. */
    setConnection(state, detail) {
      ui.status.textContent = CONNECTION_LABELS[state] ?? state;
      ui.status.dataset.state = state;
      ui.statusDetail.textContent = detail ? `(${detail})` : '';
      ui.reconnectNow.hidden = state === 'connected' || state === 'connecting';
    },

    /** The conversation list: [{ sessionId, title }], the one shown marked current. */
    setSessions(sessions, currentId, more) {
      ui.sessionList.replaceChildren(...sessions.map((s) => sessionRow(s, s.sessionId === currentId)));
      ui.sessionsEmpty.hidden = sessions.length > 0;
      ui.moreSessions.hidden = !more;
    },

    /** Creates or updates a turn; `next` is the turn it must precede (null: last), given when it may have moved. */
    renderTurn(turn, next) {
      keepingScroll(() => {
        let els = rendered.get(turn.requestId);
        if (!els) {
          els = createTurnElements(turn);
          rendered.set(turn.requestId, els);
          next = next ?? null;
        }
        if (next !== undefined) ui.turns.insertBefore(els.root, next ? (rendered.get(next.requestId)?.root ?? null) : null);
        const state = turnState(turn);
        els.root.dataset.state = state;
        els.status.dataset.state = state;
        els.status.textContent = turnStatusText(turn);
        els.typing.hidden = !(state === 'running' && turn.text === '');
        renderQuestion(els, turn);
        renderText(els, turn, state);
        renderActions(els, turn, state);
        renderSources(els, turn);
        renderError(els, turn);
        renderTrace(els, turn, state);
        ui.empty.hidden = true;
      });
    },

    clearTurns() {
      rendered.clear();
      ui.turns.replaceChildren();
      ui.empty.hidden = false;
    },

    /** A problem that belongs to no turn (a refused frame, a lost session). */
    showBanner(message, requestId, code = null) {
      const banner = h(
        'div',
        { className: 'banner', dataset: { testid: 'error' }, attrs: { role: 'alert' } },
        h(
          'p',
          {},
          message,
          requestId ? h('span', { className: 'request-id' }, ' Request ', h('code', {}, requestId)) : null,
          code ? h('span', { className: 'request-id' }, ' ', h('code', { className: 'error-code' }, code)) : null,
        ),
        h('button', { type: 'button', className: 'banner-dismiss' }, 'Dismiss'),
      );
      ui.banners.append(banner);
      while (ui.banners.children.length > MAX_BANNERS) ui.banners.firstElementChild.remove();
    },

    setBusy(busy) {
      if (!busy && document.activeElement === ui.stop) ui.input.focus(); // keep focus off a control that vanishes
      ui.stop.hidden = !busy;
    },

    scrollToEnd() {
      ui.scroller.scrollTop = ui.scroller.scrollHeight;
    },
  };
}

function sessionRow(session, current) {
  const title = session.title || 'New conversation';
  return h(
    'li',
    { className: 'session', dataset: { testid: 'session', sessionId: session.sessionId } },
    h(
      'a',
      {
        className: 'session-open',
        href: `#session=${session.sessionId}`,
        title,
        dataset: { testid: 'session-open' },
        attrs: current ? { 'aria-current': 'page' } : {},
      },
      title,
    ),
    h(
      'span',
      { className: 'session-actions' },
      h('button', { type: 'button', className: 'link-button', dataset: { testid: 'rename-session' } }, 'Rename'),
      h('button', { type: 'button', className: 'link-button', dataset: { testid: 'delete-session' } }, 'Delete'),
    ),
  );
}

/** Rename and delete happen in the row: an inline field for the title, an inline question before deleting. */
function wireSessionList(ui, handlers, closeSidebar) {
  ui.sessionList.addEventListener('click', (event) => {
    const row = event.target.closest('[data-testid="session"]');
    if (!row) return;
    const { sessionId } = row.dataset;
    const testid = event.target.closest('[data-testid]')?.dataset.testid;
    if (testid === 'session-open') {
      event.preventDefault();
      closeSidebar();
      handlers.openSession(sessionId);
    } else if (testid === 'rename-session') {
      const title = row.querySelector('.session-open').title;
      const input = h('input', {
        type: 'text', value: title, maxLength: 120, className: 'session-title-input', dataset: { testid: 'session-title' },
        attrs: { 'aria-label': 'New title' },
      });
      const form = h(
        'form',
        { className: 'session-rename' },
        input,
        h('button', { type: 'submit', className: 'link-button', dataset: { testid: 'save-title' } }, 'Save'),
        h('button', { type: 'button', className: 'link-button', dataset: { testid: 'cancel-rename' } }, 'Cancel'),
      );
      form.addEventListener('submit', (submit) => {
        submit.preventDefault();
        if (input.value.trim()) handlers.renameSession(sessionId, input.value.trim());
      });
      row.replaceChildren(form);
      input.select();
    } else if (testid === 'delete-session') {
      row.querySelector('.session-actions').replaceChildren(
        h('span', { className: 'session-confirm' }, 'Delete it and its messages?'),
        h('button', { type: 'button', className: 'link-button danger', dataset: { testid: 'confirm-delete' } }, 'Delete'),
        h('button', { type: 'button', className: 'link-button', dataset: { testid: 'cancel-delete' } }, 'Keep'),
      );
    } else if (testid === 'confirm-delete') {
      handlers.deleteSession(sessionId);
    } else if (testid === 'cancel-delete' || testid === 'cancel-rename') {
      handlers.redrawSessions();
    }
  });
}

function wireSettings(ui, handlers) {
  const form = ui.settingsForm;
  const authMode = () => form.elements.auth.value;
  const syncMode = () => {
    ui.userId.disabled = authMode() !== 'dev';
    ui.token.disabled = authMode() !== 'token';
  };

  ui.openSettings.addEventListener('click', () => {
    const current = handlers.settings();
    ui.socketUrl.value = current.socketUrl;
    ui.socketUrl.placeholder = handlers.defaultSocketUrl();
    form.elements.auth.value = current.auth;
    ui.userId.value = current.userId;
    ui.token.value = current.token;
    for (const field of [ui.socketUrl, ui.userId, ui.token]) field.setCustomValidity('');
    syncMode();
    ui.dialog.returnValue = '';
    ui.dialog.showModal(); // Escape closes it (the dialog's own cancel), saving nothing
  });
  form.addEventListener('change', syncMode);
  form.addEventListener('input', (event) => event.target.setCustomValidity?.(''));

  form.addEventListener('submit', (event) => {
    if (event.submitter?.value !== 'save') return; // Cancel: the dialog just closes
    const url = ui.socketUrl.value.trim();
    let valid = true;
    const check = (field, message) => {
      field.setCustomValidity(message);
      if (message && valid) {
        field.reportValidity();
        valid = false;
      }
    };
    check(ui.socketUrl, url === '' || /^wss?:\/\/[^\s/]+/i.test(url) ? '' : 'Use a ws:// or wss:// URL, or leave it empty for this host.');
    if (authMode() === 'dev') check(ui.userId, isIdentifier(ui.userId.value.trim()) ? '' : 'Use 1 to 80 of A-Z, a-z, 0-9, - and _.');
    else check(ui.token, ui.token.value.trim() ? '' : 'Paste a token.');
    if (!valid) {
      event.preventDefault();
      return;
    }
    handlers.saveSettings({ socketUrl: url, auth: authMode(), userId: ui.userId.value.trim(), token: ui.token.value.trim() });
  });
}
