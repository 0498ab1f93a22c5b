// A small element builder: text always goes in as text nodes, never as HTML.

/**
 * h('a', { href: '#r1', class: 'link', onclick: fn, hidden: true }, 'text', child, [more], null)
 * Attributes with null, undefined or false values are left out; true sets an empty attribute.
 */
export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes ?? {})) {
    if (value == null || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function') element.addEventListener(name.slice(2), value);
    else element.setAttribute(name, value === true ? '' : String(value));
  }
  append(element, children);
  return element;
}

function append(parent, children) {
  for (const child of children) {
    if (child == null || child === false) continue;
    if (Array.isArray(child)) append(parent, child);
    else parent.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/**
 * Replaces a container's content and keeps what the reader had set up in it: which <details data-key> were open
 * and which element with a data-key (or data-name) had focus. Used by the refreshes, so a poll never collapses
 * a payload someone is reading or moves keyboard focus away.
 */
export function replaceKeepingState(container, ...children) {
  const open = new Set([...container.querySelectorAll('details[data-key][open]')].map((details) => details.dataset.key));
  const active = document.activeElement && container.contains(document.activeElement) ? document.activeElement : null;
  const focusKey = active?.closest('[data-focus-key]')?.dataset.focusKey ?? null;
  const scroll = [...container.querySelectorAll('[data-scroll-key]')]
    .map((element) => [element.dataset.scrollKey, element.scrollLeft, element.scrollTop]);

  container.replaceChildren();
  append(container, children);

  for (const details of container.querySelectorAll('details[data-key]')) {
    if (open.has(details.dataset.key)) details.open = true;
  }
  for (const [key, left, top] of scroll) {
    const element = container.querySelector(`[data-scroll-key="${CSS.escape(key)}"]`);
    if (element) {
      element.scrollLeft = left;
      element.scrollTop = top;
    }
  }
  if (focusKey != null) {
    const target = container.querySelector(`[data-focus-key="${CSS.escape(focusKey)}"]`);
    target?.focus({ preventScroll: true });
  }
}
