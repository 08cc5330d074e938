// Boot: signed in → the app shell and the hash router; otherwise the sign-in form.
import { api, get } from './api.js';
import { h, replace } from './h.js';
import { agentPage, newAgentPage } from './pages/agent-page.js';
import { agentsPage } from './pages/agents.js';
import { analyticsPage } from './pages/analytics.js';
import { callPage } from './pages/call-page.js';
import { callsPage } from './pages/calls.js';
import { campaignPage } from './pages/campaign-page.js';
import { campaignsPage } from './pages/campaigns.js';
import { doNotCallPage } from './pages/do-not-call.js';
import { numbersPage } from './pages/numbers.js';
import { signInPage } from './pages/sign-in.js';
import { errorBox } from './ui.js';

// Pattern → page. A page renders into `main` and may return a cleanup run when the user leaves.
const ROUTES = [
  [/^\/agents$/, agentsPage],
  [/^\/agents\/new$/, newAgentPage],
  [/^\/agents\/([^/]+)$/, agentPage],
  [/^\/numbers$/, numbersPage],
  [/^\/calls$/, callsPage],
  [/^\/calls\/([^/]+)$/, callPage],
  [/^\/analytics$/, analyticsPage],
  [/^\/campaigns$/, campaignsPage],
  [/^\/campaigns\/([^/]+)$/, campaignPage],
  [/^\/do-not-call$/, doNotCallPage],
];

const NAV = [
  ['#/agents', 'Agents', '/agents'],
  ['#/numbers', 'Phone numbers', '/numbers'],
  ['#/calls', 'Calls', '/calls'],
  ['#/analytics', 'Analytics', '/analytics'],
  ['#/campaigns', 'Campaigns', '/campaigns'],
  ['#/do-not-call', 'Do not call', '/do-not-call'],
];

function parseHash() {
  const raw = location.hash.replace(/^#/, '') || '/agents';
  const [path, query = ''] = raw.split('?');
  return { path, query: new URLSearchParams(query) };
}

function shell(root, onSignOut) {
  const nav = h(
    'nav',
    { 'aria-label': 'Main' },
    h(
      'ul',
      {},
      NAV.map(([href, text]) => h('li', {}, h('a', { href, dataset: { nav: href } }, text))),
    ),
  );
  const main = h('main', { id: 'main', tabindex: '-1' });
  replace(
    root,
    h(
      'header',
      { class: 'top' },
      h('a', { class: 'brand', href: '#/agents' }, 'voice-agent'),
      nav,
      h('button', { type: 'button', class: 'secondary', onclick: onSignOut }, 'Sign out'),
    ),
    main,
  );
  return { main, nav };
}

function startApp(root) {
  const state = { cleanup: undefined, controller: undefined };
  // The server revokes the session; until it has, the session is open, so say so instead.
  const signOut = async () => {
    try {
      await api('DELETE', '/dashboard/session');
    } catch (error) {
      replace(main, errorBox(new Error(`Not signed out yet: ${error.message}`), signOut));
      return;
    }
    leave();
    showSignIn(root, 'You are signed out.');
  };
  const { main, nav } = shell(root, signOut);

  function leave() {
    state.controller?.abort();
    if (typeof state.cleanup === 'function') state.cleanup();
    state.cleanup = undefined;
    window.removeEventListener('hashchange', route);
    window.removeEventListener('session-ended', onSessionEnded);
  }

  function onSessionEnded() {
    leave();
    showSignIn(root, 'Your session has ended. Sign in again.');
  }

  async function route() {
    state.controller?.abort();
    if (typeof state.cleanup === 'function') state.cleanup();
    state.controller = new AbortController();
    const { path, query } = parseHash();
    for (const link of nav.querySelectorAll('a')) {
      const current = path.startsWith(NAV.find(([href]) => href === link.dataset.nav)[2]);
      if (current) link.setAttribute('aria-current', 'page');
      else link.removeAttribute('aria-current');
    }
    const match = ROUTES.map(([pattern, page]) => [pattern.exec(path), page]).find(([m]) => m);
    replace(main);
    if (!match) {
      replace(main, h('h1', {}, 'Page not found'), h('p', {}, h('a', { href: '#/agents' }, 'Go to agents')));
      return;
    }
    const [groups, page] = match;
    const params = groups.slice(1).map(decodeURIComponent);
    try {
      state.cleanup = await page(main, { params, query, signal: state.controller.signal });
    } catch (error) {
      if (error?.name !== 'AbortError') replace(main, errorBox(error, route));
    }
    const heading = main.querySelector('h1');
    if (heading) document.title = `${heading.textContent} · voice-agent`;
  }

  window.addEventListener('hashchange', route);
  window.addEventListener('session-ended', onSessionEnded);
  if (!location.hash) history.replaceState(null, '', '#/agents');
  route();
}

function showSignIn(root, notice) {
  document.title = 'Sign in · voice-agent';
  signInPage(root, { notice, onSignedIn: () => startApp(root) });
}

async function boot() {
  const root = document.getElementById('app');
  try {
    const { signed_in: signedIn } = await get('/dashboard/session');
    root.removeAttribute('aria-busy');
    if (signedIn) startApp(root);
    else showSignIn(root);
  } catch (error) {
    root.removeAttribute('aria-busy');
    replace(root, errorBox(error, boot));
  }
}

boot();
