// Sign-in: the admin key goes to the server once and comes back as an HTTP-only cookie; the page
// never stores it.
import { api } from '../api.js';
import { h, replace } from '../h.js';

function signInProblem(error) {
  if (error.status === 401) return 'That admin key is not right.';
  // The right key is accepted even now; the wait is for guesses.
  if (error.status === 429) {
    const wait = error.retryAfterSeconds ? ` Wait ${error.retryAfterSeconds} s before the next try.` : '';
    return `That admin key is not right, and too many wrong keys came from here.${wait}`;
  }
  return `Could not sign in: ${error.message}`;
}

export function signInPage(root, { notice, onSignedIn }) {
  const key = h('input', {
    id: 'admin-key',
    name: 'key',
    type: 'password',
    autocomplete: 'current-password',
    required: true,
    spellcheck: 'false',
  });
  const message = h('p', { class: 'form-message', role: 'alert', id: 'sign-in-message' }, notice ?? '');
  key.setAttribute('aria-describedby', 'sign-in-hint sign-in-message');
  const button = h('button', { type: 'submit' }, 'Sign in');
  const form = h(
    'form',
    {
      class: 'sign-in',
      onsubmit: async (event) => {
        event.preventDefault();
        button.disabled = true;
        message.textContent = '';
        try {
          await api('POST', '/dashboard/session', { body: { key: key.value } });
          key.value = '';
          onSignedIn();
        } catch (error) {
          message.textContent = signInProblem(error);
          key.setAttribute('aria-invalid', 'true');
          key.select();
        } finally {
          button.disabled = false;
        }
      },
    },
    h('h1', {}, 'voice-agent'),
    h('p', {}, 'Sign in with the admin API key to manage agents, numbers and calls.'),
    h('label', { for: 'admin-key' }, 'Admin key'),
    key,
    h(
      'p',
      { class: 'hint', id: 'sign-in-hint' },
      'The server prints where to find it when it starts (ADMIN_API_KEY, or the key file under DATA_DIR).',
    ),
    message,
    button,
  );
  replace(root, h('main', { id: 'main', class: 'sign-in-page' }, form));
  key.focus();
}
