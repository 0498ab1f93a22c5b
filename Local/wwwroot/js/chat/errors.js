// What an error frame's code means to someone using the page. The code stays on the page, small, for support; the
// sentence leads. Every code docs/protocol.md defines has one; a code the page does not know yet gets the fallback.

const SENTENCES = {
  invalid_json: 'The page sent something the server could not read. Reload the page and try again.',
  unsupported_frame: 'The page sent something the server could not read. Reload the page and try again.',
  unknown_action: 'The server did not recognise what the page asked for. Reload the page; it may be out of date.',
  missing_field: 'The message could not be sent as it was. Reload the page and try again.',
  invalid_field: 'The message could not be sent as it was. Reload the page and try again.',
  empty_text: 'The message was empty. Type something and send it again.',
  text_too_long: 'The message is too long. Shorten it and send it again.',
  session_not_found: 'This conversation no longer exists. Start a new chat.',
  conflict: 'This message was already sent with different text. Send it as a new message.',
  unauthorized: 'You are not signed in, or your sign-in has expired. Reload the page to sign in again.',
  forbidden: 'This conversation belongs to another account.',
  rate_limited: 'You are sending messages too quickly. Wait a moment, then try again.',
  too_many_turns: 'Too many answers are being written at once. Wait for one to finish, then try again.',
  turn_not_found: 'That message could not be found.',
  turn_finished: 'That answer had already finished.',
  seq_out_of_range: 'The page lost its place in the conversation. Reload the page.',
  unavailable: 'The service is not available right now. Try again in a few seconds.',
  internal: 'Something went wrong on the server. Try again.',
  model_throttled: 'The model is busy; try again in a few seconds.',
  model_failed: 'The model stopped before finishing its answer. Try again.',
  timeout: 'The answer took too long to arrive. Try again.',
  turn_failed: 'The answer could not be completed. If it happens again, give support the request number below.',
  frame_too_large: 'Part of the answer was too large to show here; the conversation history has all of it.',
};

export const FALLBACK_SENTENCE = 'Something went wrong. Try again; if it keeps happening, give support the request number below.';

/** The sentence for an error code, or the fallback for a code this page does not know. */
export function errorSentence(code) {
  return Object.hasOwn(SENTENCES, code) ? SENTENCES[code] : FALLBACK_SENTENCE;
}
