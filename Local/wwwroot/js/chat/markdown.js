// Model output as Markdown: parsed by marked, then sanitised by DOMPurify, because an answer is untrusted text
// (a model can be steered into writing HTML). Raw HTML in the Markdown is shown as text, never interpreted, and
// DOMPurify removes whatever else could run: scripts, event handlers, javascript: URLs, SVG and MathML, frames.
// An answer is rendered whole on every frame, so a code fence that is still open renders as code (CommonMark runs an
// unclosed fence to the end), and a table appears as soon as its delimiter row has arrived.

import { Marked } from '../../vendor/marked/marked.esm.js';
import DOMPurify from '../../vendor/dompurify/purify.es.mjs';

const escapeHtml = (text) =>
  text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;').replaceAll("'", '&#39;');

const marked = new Marked({
  gfm: true,
  breaks: false,
  renderer: {
    html: ({ text }) => escapeHtml(text),
  },
});

/** Tags that never render from an answer, even where marked would produce them: images load remote URLs (a leak). */
const FORBID_TAGS = ['img', 'style', 'form', 'input', 'button', 'textarea', 'select', 'iframe', 'object', 'embed', 'svg', 'math'];

const purifier = DOMPurify(window);
purifier.addHook('afterSanitizeAttributes', (node) => {
  if (node.tagName === 'A' && node.hasAttribute('href')) {
    node.setAttribute('target', '_blank');
    node.setAttribute('rel', 'noopener noreferrer nofollow');
  }
});

/** The answer's Markdown as a sanitised fragment, each code block wrapped with a copy button. */
export function renderMarkdown(text) {
  const html = marked.parse(text, { async: false });
  const fragment = purifier.sanitize(html, {
    USE_PROFILES: { html: true },
    FORBID_TAGS,
    RETURN_DOM_FRAGMENT: true,
  });
  for (const pre of fragment.querySelectorAll('pre')) {
    const block = document.createElement('div');
    block.className = 'code-block';
    const copy = document.createElement('button');
    copy.type = 'button';
    copy.className = 'copy-code';
    copy.dataset.testid = 'copy-code';
    copy.textContent = 'Copy';
    copy.setAttribute('aria-label', 'Copy this code');
    pre.replaceWith(block);
    block.append(copy, pre);
  }
  return fragment;
}

/** Puts text on the clipboard; false when the browser refused (no permission, or not a secure context). */
export async function copyText(text) {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    return false;
  }
}
